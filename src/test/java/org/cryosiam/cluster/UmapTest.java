package org.cryosiam.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.cryosiam.Fixtures;
import org.cryosiam.io.Hdf5;
import org.cryosiam.io.NdData;
import org.junit.jupiter.api.Test;

/** UMAP quality (trustworthiness, as scikit-learn computes it) and reproducibility. */
class UmapTest {
    /** scikit-learn's {@code trustworthiness(X, Y, n_neighbors=k)}, Euclidean in both spaces. */
    static double trustworthiness(double[][] x, double[][] y, int k) {
        int n = x.length;
        double sum = 0;
        for (int i = 0; i < n; i++) {
            int[] rankX = ranks(x, i);
            Integer[] byY = byDistance(y, i);
            for (int t = 1; t <= k; t++) {
                int j = byY[t];
                int r = rankX[j];
                if (r > k) {
                    sum += r - k;
                }
            }
        }
        return 1 - sum * 2.0 / (n * k * (2.0 * n - 3.0 * k - 1.0));
    }

    private static Integer[] byDistance(double[][] p, int i) {
        Integer[] o = new Integer[p.length];
        for (int j = 0; j < o.length; j++) {
            o[j] = j;
        }
        java.util.Arrays.sort(o, (a, b) -> {
            if (a == i) {
                return -1;
            }
            if (b == i) {
                return 1;
            }
            int c = Double.compare(Metric.EUCLIDEAN.distance(p[i], p[a]), Metric.EUCLIDEAN.distance(p[i], p[b]));
            return c != 0 ? c : Integer.compare(a, b);
        });
        return o;
    }

    /** rank[j] = position of j among i's neighbours (self 0, nearest 1). */
    private static int[] ranks(double[][] p, int i) {
        Integer[] o = byDistance(p, i);
        int[] r = new int[p.length];
        for (int t = 0; t < o.length; t++) {
            r[o[t]] = t;
        }
        return r;
    }

    static double[][] blobs(int perBlob, int blobs, int dim, long seed) {
        Random r = new Random(seed);
        double[][] centres = new double[blobs][dim];
        for (double[] c : centres) {
            for (int d = 0; d < dim; d++) {
                c[d] = r.nextGaussian() * 10;
            }
        }
        double[][] x = new double[perBlob * blobs][dim];
        for (int i = 0; i < x.length; i++) {
            for (int d = 0; d < dim; d++) {
                x[i][d] = centres[i % blobs][d] + r.nextGaussian();
            }
        }
        return x;
    }

    @Test
    void abParametersMatchUmapLearn() {
        double[] ab = Umap.fitAB(1.0, 0.0);
        assertEquals(1.9328, ab[0], 0.005); // least squares optimum (scipy curve_fit gives the same)
        assertEquals(0.7905, ab[1], 0.005);
        double[] ab01 = Umap.fitAB(1.0, 0.1);
        assertEquals(1.577, ab01[0], 0.01);
        assertEquals(0.8951, ab01[1], 0.005);
    }

    @Test
    void keepsNeighbourhoodsOfGaussianBlobs() {
        double[][] x = blobs(60, 5, 32, 1);
        double[][] y = new Umap(10, 0.0, Metric.EUCLIDEAN, 10).fit(x, 2);
        double t = trustworthiness(x, y, 5);
        System.out.println("blobs trustworthiness " + t);
        assertTrue(t >= 0.9, "trustworthiness " + t);
        double[][] y3 = new Umap(10, 0.0, Metric.EUCLIDEAN, 10).fit(x, 3);
        assertTrue(trustworthiness(x, y3, 5) >= 0.9);
    }

    @Test
    void keepsNeighbourhoodsOfTheFixtureEmbeddings() {
        NdData e = Hdf5.read(Fixtures.pipelineSmall().resolve("expected/embeds/embeddings.h5"), "embeddings");
        int n = e.shape()[0];
        int d = e.shape()[1];
        double[] flat = e.toDoubleArray();
        double[][] x = new double[n][d];
        for (int i = 0; i < n; i++) {
            System.arraycopy(flat, i * d, x[i], 0, d);
        }
        double[][] y = new Umap(10, 0.0, Metric.EUCLIDEAN, 10).fit(x, 2);
        double t = trustworthiness(x, y, 5);
        System.out.println("fixture trustworthiness " + t);
        assertTrue(t >= 0.9, "trustworthiness " + t);
    }

    @Test
    void theSameSeedGivesTheSameProjection() {
        double[][] x = blobs(30, 3, 16, 2);
        double[][] a = new Umap(10, 0.0, Metric.EUCLIDEAN, 7).fit(x, 2);
        double[][] b = new Umap(10, 0.0, Metric.EUCLIDEAN, 7).fit(x, 2);
        for (int i = 0; i < a.length; i++) {
            assertArrayEquals(a[i], b[i], 0.0);
        }
    }

    @Test
    void cosineMetricAndPcaWork() {
        double[][] x = blobs(40, 3, 8, 3);
        double[][] y = new Umap(10, 0.0, Metric.COSINE, 1).fit(x, 2);
        assertEquals(120, y.length);
        double[][] p = Pca.scores(x, 3);
        assertEquals(3, p[0].length);
        // scores are centred and ordered by variance
        double v0 = 0, v1 = 0;
        for (double[] r : p) {
            v0 += r[0] * r[0];
            v1 += r[1] * r[1];
        }
        assertTrue(v0 >= v1);
        assertTrue(trustworthiness(x, Pca.scores(x, 2), 5) > 0.8);
    }
}
