package org.cryosiam.ops;

import java.util.List;

/** Removal of small connected components, class by class, from a label volume. */
public final class SmallComponents {
    private SmallComponents() {
    }

    /**
     * For each class {@code i} with {@code sizes[i] != -1}, in class order: the voxels of class {@code i} in components
     * (26-connectivity) of at most {@code sizes[i]} voxels become 0.
     */
    public static void remove(int[] labels, int nz, int ny, int nx, List<Integer> sizes) {
        for (int cls = 0; cls < sizes.size(); cls++) {
            int min = sizes.get(cls);
            if (min == -1) {
                continue;
            }
            byte[] mask = new byte[labels.length];
            boolean any = false;
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] == cls) {
                    mask[i] = 1;
                    any = true;
                }
            }
            if (!any) {
                continue;
            }
            int[] comp = ConnectedComponents.label(mask, nz, ny, nx, 26);
            long[] area = new long[ConnectedComponents.count(comp) + 1];
            for (int c : comp) {
                area[c]++;
            }
            for (int i = 0; i < labels.length; i++) {
                if (mask[i] != 0 && area[comp[i]] <= min) {
                    labels[i] = 0;
                }
            }
        }
    }
}
