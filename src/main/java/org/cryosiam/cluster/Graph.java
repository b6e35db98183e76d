package org.cryosiam.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/** A sparse, symmetric, weighted graph on n points: row i lists its neighbours (sorted) and the edge weights. */
public final class Graph {
    final int[][] cols;
    final double[][] weights;

    Graph(int[][] cols, double[][] weights) {
        this.cols = cols;
        this.weights = weights;
    }

    public int size() {
        return cols.length;
    }

    /**
     * scikit-learn's {@code SpectralClustering(affinity='nearest_neighbors')} affinity: the k-NN connectivity matrix
     * C (self included) symmetrised as {@code (C + Cᵀ) / 2}.
     */
    public static Graph knnConnectivity(NearestNeighbors.Result knn) {
        int n = knn.indices().length;
        List<TreeMap<Integer, Double>> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(new TreeMap<>());
        }
        for (int i = 0; i < n; i++) {
            for (int j : knn.indices()[i]) {
                rows.get(i).merge(j, 0.5, Double::sum);
                rows.get(j).merge(i, 0.5, Double::sum);
            }
        }
        return of(rows);
    }

    static Graph of(List<TreeMap<Integer, Double>> rows) {
        int n = rows.size();
        int[][] c = new int[n][];
        double[][] w = new double[n][];
        for (int i = 0; i < n; i++) {
            TreeMap<Integer, Double> r = rows.get(i);
            c[i] = new int[r.size()];
            w[i] = new double[r.size()];
            int t = 0;
            for (var e : r.entrySet()) {
                c[i][t] = e.getKey();
                w[i][t] = e.getValue();
                t++;
            }
        }
        return new Graph(c, w);
    }

    /** Dense copy (for tests and the dense eigen path). */
    double[][] dense() {
        int n = size();
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < cols[i].length; t++) {
                a[i][cols[i][t]] = weights[i][t];
            }
        }
        return a;
    }
}
