package org.cryosiam.cluster;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * Principal component scores ({@code sklearn.decomposition.PCA.fit_transform}): the centred data projected on the
 * leading eigenvectors of its covariance (EJML symmetric eigen-decomposition of the {@code dim × dim} matrix), each
 * component's sign chosen so that its largest-magnitude score is positive (scikit-learn's {@code svd_flip}).
 */
public final class Pca {
    private Pca() {
    }

    /** {@code n × components} scores. */
    public static double[][] scores(double[][] x, int components) {
        int n = x.length;
        int d = x[0].length;
        int k = Math.min(components, d);
        double[] mean = new double[d];
        for (double[] r : x) {
            for (int j = 0; j < d; j++) {
                mean[j] += r[j] / n;
            }
        }
        DMatrixRMaj cov = new DMatrixRMaj(d, d);
        for (double[] r : x) {
            for (int a = 0; a < d; a++) {
                double va = r[a] - mean[a];
                for (int b = a; b < d; b++) {
                    cov.add(a, b, va * (r[b] - mean[b]));
                }
            }
        }
        for (int a = 0; a < d; a++) {
            for (int b = 0; b < a; b++) {
                cov.set(a, b, cov.get(b, a));
            }
        }
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(d, true, true);
        if (!eig.decompose(cov)) {
            throw new IllegalStateException("PCA: eigen-decomposition did not converge");
        }
        Integer[] order = new Integer[d];
        for (int i = 0; i < d; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (p, q) -> Double.compare(eig.getEigenvalue(q).getReal(), eig.getEigenvalue(p).getReal()));
        double[][] out = new double[n][k];
        for (int c = 0; c < k; c++) {
            double[] v = eig.getEigenVector(order[c]).getData();
            int arg = 0;
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int j = 0; j < d; j++) {
                    s += (x[i][j] - mean[j]) * v[j];
                }
                out[i][c] = s;
                if (Math.abs(s) > Math.abs(out[arg][c])) {
                    arg = i;
                }
            }
            if (out[arg][c] < 0) {
                for (int i = 0; i < n; i++) {
                    out[i][c] = -out[i][c];
                }
            }
        }
        return out;
    }
}
