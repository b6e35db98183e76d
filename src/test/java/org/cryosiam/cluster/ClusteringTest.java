package org.cryosiam.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.cryosiam.FixtureStep;
import org.junit.jupiter.api.Test;

class ClusteringTest {
    static double[][] blobs(int perBlob, int blobs, int dim, double spread, long seed) {
        Random r = new Random(seed);
        double[][] x = new double[perBlob * blobs][dim];
        for (int i = 0; i < x.length; i++) {
            for (int d = 0; d < dim; d++) {
                x[i][d] = (i % blobs) * spread * (d == 0 ? 1 : 0) + r.nextGaussian();
            }
        }
        return x;
    }

    static long[] truth(int n, int blobs) {
        long[] t = new long[n];
        for (int i = 0; i < n; i++) {
            t[i] = i % blobs;
        }
        return t;
    }

    private static long[] longs(int[] a) {
        return java.util.Arrays.stream(a).asLongStream().toArray();
    }

    @Test
    void kmeansFindsSeparatedBlobsAndIsReproducible() {
        double[][] x = blobs(50, 4, 5, 20, 1);
        KMeans.Result a = KMeans.fit(x, 4, 10, 1000, 3);
        assertEquals(1.0, FixtureStep.adjustedRandIndex(truth(200, 4), longs(a.labels())), 1e-12);
        KMeans.Result b = KMeans.fit(x, 4, 10, 1000, 3);
        assertArrayEquals(a.labels(), b.labels());
        assertEquals(a.inertia(), b.inertia(), 0);
    }

    @Test
    void spectralFindsBlobsAndEstimatesTheirNumber() {
        double[][] x = blobs(40, 3, 4, 30, 2);
        Graph g = SpectralClustering.affinity(x);
        assertEquals(3, SpectralClustering.estimateClusters(g, 8, 0));
        int[] labels = SpectralClustering.fit(g, 3, 0);
        assertEquals(1.0, FixtureStep.adjustedRandIndex(truth(120, 3), longs(labels)), 1e-12);
    }

    @Test
    void lanczosAgreesWithTheDenseDecomposition() {
        // connected (overlapping blobs) and disconnected (far blobs: eigenvalue 0 three times)
        for (double spread : new double[] {2, 50}) {
            double[][] x = blobs(100, 3, 6, spread, 5);
            Graph g = SpectralClustering.affinity(x);
            LaplacianEigen.Result d = LaplacianEigen.smallest(g, 5, 0, false);
            LaplacianEigen.Result l = LaplacianEigen.smallest(g, 5, 0, true);
            assertArrayEquals(d.values(), l.values(), 1e-7, "spread " + spread);
            // the eigenvectors span the same space: projections of the Lanczos vectors onto the dense ones
            for (int j = 0; j < 5; j++) {
                double norm = 0;
                for (int i = 0; i < 5; i++) {
                    if (Math.abs(d.values()[i] - d.values()[j]) < 1e-6) {
                        double c = LaplacianEigen.dot(d.vectors()[i], l.vectors()[j]);
                        norm += c * c;
                    }
                }
                assertTrue(Math.abs(norm - 1) < 1e-6, "vector " + j + " spread " + spread + ": " + norm);
            }
        }
    }
}
