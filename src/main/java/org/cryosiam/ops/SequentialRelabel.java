package org.cryosiam.ops;

/**
 * {@code skimage.segmentation.relabel_sequential(labels, offset)[0]} (scikit-image 0.19): the distinct non-zero
 * ids are renumbered {@code offset, offset+1, …} in increasing order of the old id; 0 stays 0.
 */
public final class SequentialRelabel {
    private SequentialRelabel() {
    }

    /** Returns a new array; labels must be ≥ 0, offset ≥ 1. */
    public static int[] relabel(int[] labels, int offset) {
        if (offset < 1) {
            throw new IllegalArgumentException("offset must be >= 1, got " + offset);
        }
        int max = 0;
        for (int v : labels) {
            if (v < 0) {
                throw new IllegalArgumentException("negative label " + v);
            }
            max = Math.max(max, v);
        }
        boolean[] present = new boolean[max + 1];
        for (int v : labels) {
            present[v] = true;
        }
        int[] map = new int[max + 1];
        int next = offset;
        for (int v = 1; v <= max; v++) {
            if (present[v]) {
                map[v] = next++;
            }
        }
        int[] out = new int[labels.length];
        Slabs.forChunks(labels.length, 1, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                out[i] = map[labels[i]];
            }
        });
        return out;
    }
}
