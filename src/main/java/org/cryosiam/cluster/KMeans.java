package org.cryosiam.cluster;

import java.util.SplittableRandom;

import org.cryosiam.Interrupts;

/**
 * k-means as scikit-learn's {@code KMeans(init='k-means++', algorithm='lloyd')}: greedy k-means++ seeding
 * ({@code 2 + ⌊ln k⌋} candidates per centre), Lloyd iterations until the assignment is stable or the total squared
 * centre shift is at most {@code 1e-4 ×} the mean feature variance, empty clusters re-seeded with the points farthest
 * from their centres, and the best of {@code nInit} runs by inertia. Seeded: the same seed gives the same result.
 */
public final class KMeans {
    /** Labels 0..k−1, centres {@code [k][dim]}, inertia (sum of squared distances to the assigned centre). */
    public record Result(int[] labels, double[][] centers, double inertia) {
    }

    private KMeans() {
    }

    public static Result fit(double[][] x, int k, int nInit, int maxIter, long seed) {
        int n = x.length;
        if (k < 1 || k > n) {
            throw new IllegalArgumentException("k-means: " + k + " clusters for " + n + " points");
        }
        SplittableRandom random = new SplittableRandom(seed);
        double tol = 1e-4 * meanVariance(x);
        Result best = null;
        for (int run = 0; run < Math.max(1, nInit); run++) {
            double[][] centers = seed(x, k, random);
            Result r = lloyd(x, centers, maxIter, tol);
            if (best == null || r.inertia() < best.inertia()) {
                best = r;
            }
        }
        return best;
    }

    static double meanVariance(double[][] x) {
        int n = x.length;
        int d = x[0].length;
        double total = 0;
        for (int j = 0; j < d; j++) {
            double mean = 0;
            for (double[] r : x) {
                mean += r[j];
            }
            mean /= n;
            double v = 0;
            for (double[] r : x) {
                v += (r[j] - mean) * (r[j] - mean);
            }
            total += v / n;
        }
        return total / d;
    }

    static double sq(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double t = a[i] - b[i];
            s += t * t;
        }
        return s;
    }

    /** Greedy k-means++ (scikit-learn's {@code _kmeans_plusplus}). */
    static double[][] seed(double[][] x, int k, SplittableRandom random) {
        int n = x.length;
        int trials = 2 + (int) Math.log(k);
        double[][] centers = new double[k][];
        int first = random.nextInt(n);
        centers[0] = x[first].clone();
        double[] closest = new double[n];
        double pot = 0;
        for (int i = 0; i < n; i++) {
            closest[i] = sq(x[i], centers[0]);
            pot += closest[i];
        }
        double[] cumulative = new double[n];
        for (int c = 1; c < k; c++) {
            double run = 0;
            for (int i = 0; i < n; i++) {
                run += closest[i];
                cumulative[i] = run;
            }
            int bestCandidate = -1;
            double bestPot = Double.POSITIVE_INFINITY;
            double[] bestDist = null;
            for (int t = 0; t < trials; t++) {
                double r = random.nextDouble() * pot;
                int id = searchSorted(cumulative, r);
                double[] dist = new double[n];
                double p = 0;
                for (int i = 0; i < n; i++) {
                    dist[i] = Math.min(closest[i], sq(x[i], x[id]));
                    p += dist[i];
                }
                if (p < bestPot) {
                    bestPot = p;
                    bestCandidate = id;
                    bestDist = dist;
                }
            }
            centers[c] = x[bestCandidate].clone();
            closest = bestDist;
            pot = bestPot;
        }
        return centers;
    }

    /** numpy {@code searchsorted(a, v)} (left), clipped to the last index. */
    private static int searchSorted(double[] a, double v) {
        int lo = 0;
        int hi = a.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] < v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return Math.min(lo, a.length - 1);
    }

    static Result lloyd(double[][] x, double[][] centers, int maxIter, double tol) {
        int n = x.length;
        int k = centers.length;
        int d = x[0].length;
        int[] labels = new int[n];
        double[] dist = new double[n];
        assign(x, centers, labels, dist);
        for (int it = 0; it < maxIter; it++) {
            int iterations = it;
            Interrupts.check(() -> iterations + " k-means iterations"); // pure Java: any point is safe
            double[][] next = new double[k][d];
            int[] count = new int[k];
            for (int i = 0; i < n; i++) {
                count[labels[i]]++;
                double[] c = next[labels[i]];
                for (int j = 0; j < d; j++) {
                    c[j] += x[i][j];
                }
            }
            relocateEmpty(x, labels, dist, next, count);
            for (int c = 0; c < k; c++) {
                for (int j = 0; j < d; j++) {
                    next[c][j] /= count[c];
                }
            }
            double shift = 0;
            for (int c = 0; c < k; c++) {
                shift += sq(next[c], centers[c]);
            }
            centers = next;
            int[] old = labels.clone();
            assign(x, centers, labels, dist);
            if (java.util.Arrays.equals(old, labels) || shift <= tol) {
                break;
            }
        }
        double inertia = 0;
        for (double v : dist) {
            inertia += v;
        }
        return new Result(labels, centers, inertia);
    }

    /** An empty cluster takes the point farthest from its centre (scikit-learn's relocation), one per empty cluster. */
    private static void relocateEmpty(double[][] x, int[] labels, double[] dist, double[][] sums, int[] count) {
        int k = count.length;
        boolean[] taken = new boolean[x.length];
        for (int c = 0; c < k; c++) {
            if (count[c] > 0) {
                continue;
            }
            int far = -1;
            for (int i = 0; i < x.length; i++) {
                if (!taken[i] && count[labels[i]] > 1 && (far < 0 || dist[i] > dist[far])) {
                    far = i;
                }
            }
            if (far < 0) {
                continue;
            }
            taken[far] = true;
            int from = labels[far];
            for (int j = 0; j < x[far].length; j++) {
                sums[from][j] -= x[far][j];
                sums[c][j] = x[far][j];
            }
            count[from]--;
            count[c] = 1;
            labels[far] = c;
        }
    }

    private static void assign(double[][] x, double[][] centers, int[] labels, double[] dist) {
        for (int i = 0; i < x.length; i++) {
            int best = 0;
            double bd = Double.POSITIVE_INFINITY;
            for (int c = 0; c < centers.length; c++) {
                double v = sq(x[i], centers[c]);
                if (v < bd) {
                    bd = v;
                    best = c;
                }
            }
            labels[i] = best;
            dist[i] = bd;
        }
    }
}
