package org.cryosiam.cluster;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.cryosiam.Interrupts;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * The smallest eigenpairs of a graph's normalised Laplacian {@code L = I − D^{-1/2} A D^{-1/2}}, with SciPy's
 * {@code csgraph.laplacian(normed=True)} conventions as scikit-learn's {@code spectral_embedding} uses them: the
 * diagonal of A is ignored for the degrees and L's diagonal is 1; an isolated point has degree 1.
 *
 * <p>Up to {@link #DENSE_MAX} points the decomposition is dense (EJML's symmetric QR algorithm, exact to rounding);
 * above that, Lanczos with full re-orthogonalisation on {@code 2I − L} (sparse products only), restarted with a fresh
 * random vector whenever the Krylov space is exhausted (a disconnected graph), run until the wanted Ritz pairs have
 * residuals below 1e-9.
 */
public final class LaplacianEigen {
    public static final int DENSE_MAX = 2500;

    /** Eigenvalues ascending, {@code vectors[j]} the unit eigenvector of {@code values[j]}, and {@code sqrt(degree)}. */
    public record Result(double[] values, double[][] vectors, double[] sqrtDegree) {
    }

    private LaplacianEigen() {
    }

    public static Result smallest(Graph g, int k, long seed) {
        return smallest(g, k, seed, g.size() > DENSE_MAX);
    }

    /** {@link #smallest(Graph, int, long)} with the method chosen (tests compare the two). */
    static Result smallest(Graph g, int k, long seed, boolean lanczos) {
        int n = g.size();
        k = Math.min(k, n);
        double[] dd = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int t = 0; t < g.cols[i].length; t++) {
                if (g.cols[i][t] != i) {
                    s += g.weights[i][t];
                }
            }
            dd[i] = s == 0 ? 1 : Math.sqrt(s);
        }
        return lanczos ? lanczos(g, k, dd, seed) : dense(g, k, dd);
    }

    /** {@code y = (2I − L) x = x + D^{-1/2} A' D^{-1/2} x} (A' without the diagonal). */
    private static void apply(Graph g, double[] dd, double[] x, double[] y) {
        int n = g.size();
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int t = 0; t < g.cols[i].length; t++) {
                int j = g.cols[i][t];
                if (j != i) {
                    s += g.weights[i][t] * x[j] / dd[j];
                }
            }
            y[i] = x[i] + s / dd[i];
        }
    }

    private static Result dense(Graph g, int k, double[] dd) {
        int n = g.size();
        DMatrixRMaj l = new DMatrixRMaj(n, n);
        for (int i = 0; i < n; i++) {
            l.set(i, i, 1);
            for (int t = 0; t < g.cols[i].length; t++) {
                int j = g.cols[i][t];
                if (j != i) {
                    l.set(i, j, -g.weights[i][t] / (dd[i] * dd[j]));
                }
            }
        }
        double[][] pairs = symmetricEigen(l);
        Integer[] order = ascending(pairs[0]);
        double[] values = new double[k];
        double[][] vectors = new double[k][];
        for (int j = 0; j < k; j++) {
            values[j] = pairs[0][order[j]];
            vectors[j] = pairs[1 + order[j]];
        }
        return new Result(values, vectors, dd);
    }

    /** {@code {values, vector_0, vector_1, …}} of a symmetric matrix (unsorted). */
    static double[][] symmetricEigen(DMatrixRMaj m) {
        int n = m.numRows;
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(n, true, true);
        if (!eig.decompose(m.copy())) {
            throw new IllegalStateException("eigen-decomposition did not converge");
        }
        double[][] out = new double[n + 1][];
        out[0] = new double[n];
        for (int i = 0; i < n; i++) {
            out[0][i] = eig.getEigenvalue(i).getReal();
            DMatrixRMaj v = eig.getEigenVector(i);
            out[1 + i] = Arrays.copyOf(v.getData(), n);
        }
        return out;
    }

    private static Integer[] ascending(double[] v) {
        Integer[] o = new Integer[v.length];
        for (int i = 0; i < o.length; i++) {
            o[i] = i;
        }
        Arrays.sort(o, (a, b) -> Double.compare(v[a], v[b]) != 0 ? Double.compare(v[a], v[b]) : Integer.compare(a, b));
        return o;
    }

    private static Result lanczos(Graph g, int k, double[] dd, long seed) {
        int n = g.size();
        SplittableRandom random = new SplittableRandom(seed);
        int maxM = Math.min(n, Math.max(20 * k, 400) + 600);
        double[][] q = new double[maxM + 1][];
        double[] alpha = new double[maxM];
        double[] beta = new double[maxM];
        q[0] = randomUnit(random, n, q, 0);
        double[] w = new double[n];
        int m = 0;
        while (m < maxM) {
            int steps = m;
            Interrupts.check(() -> steps + " Lanczos steps of the spectral embedding");
            apply(g, dd, q[m], w);
            double a = dot(w, q[m]);
            alpha[m] = a;
            for (int pass = 0; pass < 2; pass++) {
                for (int j = 0; j <= m; j++) {
                    double c = dot(w, q[j]);
                    axpy(-c, q[j], w);
                }
            }
            double b = Math.sqrt(dot(w, w));
            m++;
            if (m == maxM) {
                break;
            }
            if (b < 1e-10) {
                beta[m - 1] = 0;
                q[m] = randomUnit(random, n, q, m);
            } else {
                beta[m - 1] = b;
                q[m] = new double[n];
                for (int i = 0; i < n; i++) {
                    q[m][i] = w[i] / b;
                }
            }
            if (m >= 2 * k + 10 && m % 20 == 0 && converged(alpha, beta, m, k)) {
                break;
            }
        }
        DMatrixRMaj t = new DMatrixRMaj(m, m);
        for (int i = 0; i < m; i++) {
            t.set(i, i, alpha[i]);
            if (i + 1 < m) {
                t.set(i, i + 1, beta[i]);
                t.set(i + 1, i, beta[i]);
            }
        }
        double[][] pairs = symmetricEigen(t);
        Integer[] order = ascending(pairs[0]);
        double[] values = new double[k];
        double[][] vectors = new double[k][];
        for (int j = 0; j < k; j++) {
            int idx = order[m - 1 - j]; // largest of 2I − L = smallest of L
            values[j] = 2 - pairs[0][idx];
            double[] s = pairs[1 + idx];
            double[] v = new double[n];
            for (int r = 0; r < m; r++) {
                axpy(s[r], q[r], v);
            }
            double norm = Math.sqrt(dot(v, v));
            for (int i = 0; i < n; i++) {
                v[i] /= norm;
            }
            vectors[j] = v;
        }
        return new Result(values, vectors, dd);
    }

    private static boolean converged(double[] alpha, double[] beta, int m, int k) {
        DMatrixRMaj t = new DMatrixRMaj(m, m);
        for (int i = 0; i < m; i++) {
            t.set(i, i, alpha[i]);
            if (i + 1 < m) {
                t.set(i, i + 1, beta[i]);
                t.set(i + 1, i, beta[i]);
            }
        }
        double[][] pairs = symmetricEigen(t);
        Integer[] order = ascending(pairs[0]);
        for (int j = 0; j < k; j++) {
            double[] s = pairs[1 + order[m - 1 - j]];
            if (Math.abs(beta[m - 1] * s[m - 1]) > 1e-9) {
                return false;
            }
        }
        return true;
    }

    private static double[] randomUnit(SplittableRandom random, int n, double[][] q, int count) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = random.nextDouble() - 0.5;
        }
        for (int pass = 0; pass < 2; pass++) {
            for (int j = 0; j < count; j++) {
                axpy(-dot(v, q[j]), q[j], v);
            }
        }
        double norm = Math.sqrt(dot(v, v));
        for (int i = 0; i < n; i++) {
            v[i] /= norm;
        }
        return v;
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    static void axpy(double a, double[] x, double[] y) {
        for (int i = 0; i < y.length; i++) {
            y[i] += a * x[i];
        }
    }
}
