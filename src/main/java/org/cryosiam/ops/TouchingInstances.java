package org.cryosiam.ops;

import java.util.List;

import org.cryosiam.CryosiamUserException;

/** The instances of an instance map that touch a mask. */
public final class TouchingInstances {
    private TouchingInstances() {
    }

    /**
     * The instances (ids ≥ 0) with a voxel in {@code expand_labels(isin(maskVolume, labels), expand) > 0}; the others
     * set to 0.
     */
    public static int[] keep(int[] instances, double[] maskVolume, List<Double> labels, double expand, int[] shape) {
        int n = instances.length;
        int[] selected = new int[n];
        for (int i = 0; i < n; i++) {
            selected[i] = labels.contains(maskVolume[i]) ? 1 : 0;
        }
        int[] expanded = ExpandLabels.expand(selected, shape[0], shape[1], shape[2], expand);
        int max = 0;
        for (int v : instances) {
            if (v < 0) {
                throw new CryosiamUserException("negative instance id " + v + ": instance ids must be >= 0.");
            }
            max = Math.max(max, v);
        }
        boolean[] keep = new boolean[max + 1];
        for (int i = 0; i < n; i++) {
            if (expanded[i] > 0) {
                keep[instances[i]] = true;
            }
        }
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = keep[instances[i]] ? instances[i] : 0;
        }
        return out;
    }
}
