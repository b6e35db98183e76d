package org.cryosiam.cluster;

import java.util.stream.IntStream;

import org.cryosiam.Interrupts;

/**
 * Exact k nearest neighbours by brute force (each point's own row included, at distance 0, first): what
 * scikit-learn's {@code kneighbors_graph(include_self=True)} and umap-learn's small-data path compute. Ties are
 * broken by index, so the result is deterministic; rows are computed in parallel (each row independently).
 */
public final class NearestNeighbors {
    /** {@code indices[i]} and {@code distances[i]}: the k nearest points of i, nearest first. */
    public record Result(int[][] indices, double[][] distances) {
    }

    private NearestNeighbors() {
    }

    public static Result of(double[][] x, int k, Metric metric) {
        int n = x.length;
        int kk = Math.min(k, n);
        int[][] idx = new int[n][];
        double[][] dst = new double[n][];
        IntStream.range(0, n).parallel().forEach(i -> {
            Interrupts.check(() -> "part of the nearest-neighbour search over " + n + " points");
            double[] d = new double[n];
            for (int j = 0; j < n; j++) {
                d[j] = j == i ? -1 : metric.distance(x[i], x[j]); // self first, as in both references
            }
            // partial selection of the kk smallest (by distance, then index), then sort them
            int[] best = new int[kk];
            int size = 0;
            for (int j = 0; j < n; j++) {
                if (size < kk) {
                    best[size++] = j;
                    siftUp(best, d, size - 1);
                } else if (less(d, j, best[0])) {
                    best[0] = j;
                    siftDown(best, d, kk);
                }
            }
            Integer[] order = new Integer[kk];
            for (int t = 0; t < kk; t++) {
                order[t] = best[t];
            }
            java.util.Arrays.sort(order, (p, q) -> less(d, p, q) ? -1 : less(d, q, p) ? 1 : 0);
            idx[i] = new int[kk];
            dst[i] = new double[kk];
            for (int t = 0; t < kk; t++) {
                idx[i][t] = order[t];
                dst[i][t] = order[t] == i ? 0 : d[order[t]];
            }
        });
        return new Result(idx, dst);
    }

    private static boolean less(double[] d, int a, int b) {
        return d[a] < d[b] || (d[a] == d[b] && a < b);
    }

    /** Max-heap on (distance, index). */
    private static void siftUp(int[] h, double[] d, int i) {
        while (i > 0) {
            int p = (i - 1) / 2;
            if (less(d, h[p], h[i])) {
                int t = h[p];
                h[p] = h[i];
                h[i] = t;
                i = p;
            } else {
                return;
            }
        }
    }

    private static void siftDown(int[] h, double[] d, int n) {
        int i = 0;
        while (true) {
            int l = 2 * i + 1;
            int r = l + 1;
            int m = i;
            if (l < n && less(d, h[m], h[l])) {
                m = l;
            }
            if (r < n && less(d, h[m], h[r])) {
                m = r;
            }
            if (m == i) {
                return;
            }
            int t = h[m];
            h[m] = h[i];
            h[i] = t;
            i = m;
        }
    }
}
