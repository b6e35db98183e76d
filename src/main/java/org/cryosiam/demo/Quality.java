package org.cryosiam.demo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Quality of predictions against a phantom's ground truth: Dice per class, instance F1 at an IoU threshold,
 * cluster purity, and the correlation of a denoised volume with the clean one. Label volumes are flat int arrays of
 * the same length (any layout); 0 is background everywhere.
 */
public final class Quality {
    private Quality() {
    }

    /** {@code 2|P ∩ T| / (|P| + |T|)} for the voxels of class {@code c}; NaN when neither has any. */
    public static double dice(int[] predicted, int[] truth, int c) {
        check(predicted, truth);
        long p = 0, t = 0, both = 0;
        for (int i = 0; i < predicted.length; i++) {
            boolean a = predicted[i] == c, b = truth[i] == c;
            p += a ? 1 : 0;
            t += b ? 1 : 0;
            both += a && b ? 1 : 0;
        }
        return p + t == 0 ? Double.NaN : 2.0 * both / (p + t);
    }

    /**
     * Instance matching: predicted and true instances are paired greedily by decreasing IoU while IoU ≥
     * {@code minIou} (each at most once; for {@code minIou > 0.5} the pairing is unique anyway).
     */
    public record Matching(int truePositives, int predicted, int actual) {
        public double precision() {
            return predicted == 0 ? Double.NaN : truePositives / (double) predicted;
        }

        public double recall() {
            return actual == 0 ? Double.NaN : truePositives / (double) actual;
        }

        /** {@code 2 TP / (predicted + actual)}; NaN when both are empty. */
        public double f1() {
            return predicted + actual == 0 ? Double.NaN : 2.0 * truePositives / (predicted + actual);
        }
    }

    public static Matching instances(int[] predicted, int[] truth, double minIou) {
        check(predicted, truth);
        Map<Integer, Long> sizeP = new HashMap<>();
        Map<Integer, Long> sizeT = new HashMap<>();
        Map<Long, Long> overlap = new HashMap<>();
        for (int i = 0; i < predicted.length; i++) {
            int p = predicted[i], t = truth[i];
            if (p != 0) {
                sizeP.merge(p, 1L, Long::sum);
            }
            if (t != 0) {
                sizeT.merge(t, 1L, Long::sum);
            }
            if (p != 0 && t != 0) {
                overlap.merge(((long) p << 32) | (t & 0xffffffffL), 1L, Long::sum);
            }
        }
        record Pair(int p, int t, double iou) {
        }
        List<Pair> pairs = new ArrayList<>();
        for (Map.Entry<Long, Long> e : overlap.entrySet()) {
            int p = (int) (e.getKey() >>> 32), t = (int) (long) e.getKey();
            long inter = e.getValue();
            double iou = inter / (double) (sizeP.get(p) + sizeT.get(t) - inter);
            if (iou >= minIou) {
                pairs.add(new Pair(p, t, iou));
            }
        }
        pairs.sort((a, b) -> a.iou != b.iou ? Double.compare(b.iou, a.iou)
                : a.p != b.p ? Integer.compare(a.p, b.p) : Integer.compare(a.t, b.t));
        Set<Integer> usedP = new HashSet<>(), usedT = new HashSet<>();
        int tp = 0;
        for (Pair pr : pairs) {
            if (!usedP.contains(pr.p) && !usedT.contains(pr.t)) {
                usedP.add(pr.p);
                usedT.add(pr.t);
                tp++;
            }
        }
        return new Matching(tp, sizeP.size(), sizeT.size());
    }

    /**
     * The true class of each listed instance: among the instance's voxels, the non-zero class of {@code truthClasses}
     * with the most voxels (ties: the smaller class), or 0 when the instance covers no labelled voxel.
     */
    public static int[] majorityClass(int[] instances, int[] truthClasses, long[] ids) {
        check(instances, truthClasses);
        Map<Integer, Map<Integer, Long>> counts = new HashMap<>();
        for (long id : ids) {
            counts.put((int) id, new HashMap<>());
        }
        for (int i = 0; i < instances.length; i++) {
            if (instances[i] != 0 && truthClasses[i] != 0) {
                Map<Integer, Long> m = counts.get(instances[i]);
                if (m != null) {
                    m.merge(truthClasses[i], 1L, Long::sum);
                }
            }
        }
        int[] out = new int[ids.length];
        for (int k = 0; k < ids.length; k++) {
            int best = 0;
            long bestCount = 0;
            for (Map.Entry<Integer, Long> e : counts.get((int) ids[k]).entrySet()) {
                if (e.getValue() > bestCount || (e.getValue() == bestCount && e.getKey() < best)) {
                    best = e.getKey();
                    bestCount = e.getValue();
                }
            }
            out[k] = best;
        }
        return out;
    }

    /** Cluster purity: items with a true class ≤ 0 are left out. */
    public record Purity(double purity, int items, int clusters) {
    }

    /**
     * {@code Σ_clusters max_class |cluster ∩ class| / N} over the items whose true class is positive; NaN when none.
     */
    public static Purity purity(int[] clusters, int[] trueClass) {
        if (clusters.length != trueClass.length) {
            throw new IllegalArgumentException(clusters.length + " cluster labels for " + trueClass.length + " items");
        }
        Map<Integer, Map<Integer, Integer>> table = new HashMap<>();
        int n = 0;
        for (int i = 0; i < clusters.length; i++) {
            if (trueClass[i] > 0) {
                table.computeIfAbsent(clusters[i], k -> new HashMap<>()).merge(trueClass[i], 1, Integer::sum);
                n++;
            }
        }
        int sum = 0;
        for (Map<Integer, Integer> m : table.values()) {
            sum += m.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        }
        return new Purity(n == 0 ? Double.NaN : sum / (double) n, n, table.size());
    }

    /** Pearson's correlation coefficient; NaN when either is constant. */
    public static double pearson(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("volumes of " + a.length + " and " + b.length + " voxels");
        }
        double ma = 0, mb = 0;
        for (int i = 0; i < a.length; i++) {
            ma += a[i];
            mb += b[i];
        }
        ma /= a.length;
        mb /= b.length;
        double sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < a.length; i++) {
            double da = a[i] - ma, db = b[i] - mb;
            sab += da * db;
            saa += da * da;
            sbb += db * db;
        }
        return saa == 0 || sbb == 0 ? Double.NaN : sab / Math.sqrt(saa * sbb);
    }

    private static void check(int[] a, int[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("label volumes of " + a.length + " and " + b.length + " voxels");
        }
    }
}
