package org.cryosiam.inference;

import java.util.Arrays;

/**
 * Exact order statistics of a float array without copying or sorting it: a two-pass radix selection on the 32-bit
 * sort keys of the floats (high 16 bits, then low 16 bits inside the chosen buckets).
 *
 * <p>Why not quickselect on a copy: a copy of a large tomogram costs as much memory as the tomogram (1.6 GB for
 * 928×928×464), and quickselect has a quadratic worst case. Two counting passes are O(n), deterministic and need
 * only a few 65536-entry histograms. Several ranks are answered by the same two passes.
 *
 * <p>Ordering is that of the float values, with {@code -0.0} just below {@code +0.0} (numpy treats them as equal; the
 * two are equal values, so an interpolation between them gives the same number). NaNs are not ranked: the first
 * pass notices them and the selection answers null, as numpy returns NaN for any array holding one.
 */
final class RadixSelect {
    private static final int BUCKETS = 1 << 16;

    private RadixSelect() {
    }

    /** An int whose signed order is the order of the (non-NaN) float values. */
    static int sortKey(float f) {
        int bits = Float.floatToRawIntBits(f);
        // negative floats: flip the magnitude bits so that larger magnitudes sort lower
        return bits ^ ((bits >> 31) & 0x7fffffff);
    }

    static float fromSortKey(int key) {
        return Float.intBitsToFloat(key ^ ((key >> 31) & 0x7fffffff));
    }

    private static int highBucket(int key) {
        return (key >>> 16) ^ 0x8000; // unsigned bucket 0..65535 in ascending value order
    }

    /** Data visited piece by piece, as many times as asked (a volume read plane by plane). */
    @FunctionalInterface
    interface Pieces {
        /** Calls {@code visitor} with every piece, in the same order each time. */
        void visit(PieceVisitor visitor);
    }

    @FunctionalInterface
    interface PieceVisitor {
        void piece(float[] values, int length);
    }

    /**
     * The values of rank {@code ranks[i]} (0 = smallest) of {@code data}, or null when it holds a NaN. Ranks need not
     * be sorted or distinct.
     */
    static float[] select(float[] data, long[] ranks) {
        return select(v -> v.piece(data, data.length), data.length, ranks);
    }

    /** {@link #select(float[], long[])} over data of {@code n} values visited in pieces (two visits). */
    static float[] select(Pieces data, long n, long[] ranks) {
        for (long r : ranks) {
            if (r < 0 || r >= n) {
                throw new IllegalArgumentException("rank " + r + " outside 0.." + (n - 1));
            }
        }
        // pass 1: histogram of the high 16 bits of the keys, NaNs counted apart
        long[] high = new long[BUCKETS];
        long[] nan = new long[1];
        data.visit((values, length) -> {
            for (int i = 0; i < length; i++) {
                float v = values[i];
                if (v != v) {
                    nan[0]++;
                } else {
                    high[highBucket(sortKey(v))]++;
                }
            }
        });
        if (nan[0] > 0) {
            return null;
        }
        // for every rank: its bucket and its rank inside that bucket
        int[] bucketOf = new int[ranks.length];
        long[] rankInBucket = new long[ranks.length];
        for (int i = 0; i < ranks.length; i++) {
            long below = 0;
            int b = 0;
            while (below + high[b] <= ranks[i]) {
                below += high[b];
                b++;
            }
            bucketOf[i] = b;
            rankInBucket[i] = ranks[i] - below;
        }
        // pass 2: histogram of the low 16 bits, only inside the (few, distinct) buckets that hold a wanted rank
        int[] wanted = Arrays.stream(bucketOf).distinct().toArray();
        long[][] low = new long[wanted.length][BUCKETS];
        int[] slotOfBucket = new int[BUCKETS];
        Arrays.fill(slotOfBucket, -1);
        for (int s = 0; s < wanted.length; s++) {
            slotOfBucket[wanted[s]] = s;
        }
        data.visit((values, length) -> {
            for (int i = 0; i < length; i++) {
                int key = sortKey(values[i]);
                int slot = slotOfBucket[highBucket(key)];
                if (slot >= 0) {
                    low[slot][key & 0xffff]++;
                }
            }
        });
        float[] out = new float[ranks.length];
        for (int i = 0; i < ranks.length; i++) {
            long[] hist = low[slotOfBucket[bucketOf[i]]];
            long below = 0;
            int l = 0;
            while (below + hist[l] <= rankInBucket[i]) {
                below += hist[l];
                l++;
            }
            int key = ((bucketOf[i] ^ 0x8000) << 16) | l;
            out[i] = fromSortKey(key);
        }
        return out;
    }
}
