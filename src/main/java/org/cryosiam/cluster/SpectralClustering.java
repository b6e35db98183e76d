package org.cryosiam.cluster;

/**
 * Spectral clustering as scikit-learn's {@code SpectralClustering(affinity='nearest_neighbors', n_neighbors=10,
 * assign_labels='kmeans')}: the symmetrised k-NN connectivity graph, the normalised-Laplacian spectral embedding
 * ({@code k} smallest eigenvectors divided by {@code sqrt(degree)}, signs fixed so each vector's largest entry is
 * positive), then seeded k-means (10 restarts) on it. Labels 0..k−1.
 *
 * <p>{@link #estimateClusters}: the reference's eigengap rule — among the {@code maxK} smallest eigenvalues of the
 * normalised Laplacian, k = 1 + the index before the largest gap.
 */
public final class SpectralClustering {
    public static final int NEIGHBOURS = 10;

    private SpectralClustering() {
    }

    public static Graph affinity(double[][] x) {
        return Graph.knnConnectivity(NearestNeighbors.of(x, NEIGHBOURS, Metric.EUCLIDEAN));
    }

    public static int[] fit(Graph affinity, int k, long seed) {
        LaplacianEigen.Result e = LaplacianEigen.smallest(affinity, k, seed);
        int n = affinity.size();
        int kk = e.values().length;
        double[][] maps = new double[n][kk];
        for (int j = 0; j < kk; j++) {
            double[] v = e.vectors()[j];
            int arg = 0;
            for (int i = 0; i < n; i++) {
                if (Math.abs(v[i] / e.sqrtDegree()[i]) > Math.abs(v[arg] / e.sqrtDegree()[arg])) {
                    arg = i;
                }
            }
            double sign = v[arg] < 0 ? -1 : 1;
            for (int i = 0; i < n; i++) {
                maps[i][j] = sign * v[i] / e.sqrtDegree()[i];
            }
        }
        return KMeans.fit(maps, Math.min(k, n), 10, 300, seed).labels();
    }

    public static int estimateClusters(Graph affinity, int maxK, long seed) {
        double[] ev = LaplacianEigen.smallest(affinity, maxK, seed).values();
        double maxGap = 0;
        int before = 0;
        for (int i = 1; i < ev.length; i++) {
            double gap = ev[i] - ev[i - 1];
            if (gap > maxGap) {
                maxGap = gap;
                before = i - 1;
            }
        }
        return before + 1;
    }
}
