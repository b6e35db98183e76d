package org.cryosiam.inference;

import org.cryosiam.ops.ConvexHull;
import org.cryosiam.volume.Volume;

/**
 * Cutting subtomograms for the embedding commands: a box of a volume, optional masking (none, the 3-D convex hull
 * of the instance, the instance itself) and the reference's fit to the network's patch size (MONAI
 * {@code SpatialPad} then {@code CenterSpatialCrop}).
 */
public final class SubtomogramPatches {
    /** {@code masking_type}: 0 none, 1 convex hull of the instance, 2 the instance mask itself. */
    public static final int NO_MASK = 0;
    public static final int HULL_MASK = 1;
    public static final int STRICT_MASK = 2;

    private SubtomogramPatches() {
    }

    /** A cut-out box: data in (z, y, x) C order. */
    public record Box(float[] data, int nz, int ny, int nx) {
    }

    /** The voxels {@code [z0, z1) × [y0, y1) × [x0, x1)} of {@code v} (bounds already inside the volume). */
    public static Box crop(Volume v, int z0, int y0, int x0, int z1, int y1, int x1) {
        int dz = z1 - z0;
        int dy = y1 - y0;
        int dx = x1 - x0;
        float[] out = new float[Math.max(0, dz) * Math.max(0, dy) * Math.max(0, dx)];
        float[] src = v.data();
        int i = 0;
        for (int z = z0; z < z1; z++) {
            for (int y = y0; y < y1; y++) {
                System.arraycopy(src, v.index(z, y, x0), out, i, dx);
                i += dx;
            }
        }
        return new Box(out, dz, dy, dx);
    }

    /**
     * The instance mask of {@code label} in the same box of a label volume: 1 where {@code labels == label}.
     */
    public static byte[] cropMask(int[] labels, int ny, int nx, int label, int z0, int y0, int x0, int z1, int y1, int x1) {
        byte[] out = new byte[(z1 - z0) * (y1 - y0) * (x1 - x0)];
        int i = 0;
        for (int z = z0; z < z1; z++) {
            for (int y = y0; y < y1; y++) {
                int base = (z * ny + y) * nx;
                for (int x = x0; x < x1; x++) {
                    out[i++] = labels[base + x] == label ? (byte) 1 : 0;
                }
            }
        }
        return out;
    }

    /**
     * Applies {@code masking_type} to a box in place and returns {@code hull_area}: for type 1 the voxels of the 3-D
     * convex hull of {@code mask} (skimage {@code convex_hull_image}), outside which the box is zeroed; type 2 zeroes
     * outside {@code mask} itself; types 0 and 2 return 0, as the reference records.
     */
    public static long mask(Box box, byte[] mask, int maskingType) {
        float[] d = box.data();
        switch (maskingType) {
            case HULL_MASK -> {
                byte[] hull = ConvexHull.image3d(mask, box.nz(), box.ny(), box.nx());
                long area = 0;
                for (int i = 0; i < d.length; i++) {
                    if (hull[i] == 0) {
                        d[i] = 0;
                    } else {
                        area++;
                    }
                }
                return area;
            }
            case STRICT_MASK -> {
                for (int i = 0; i < d.length; i++) {
                    if (mask[i] == 0) {
                        d[i] = 0;
                    }
                }
                return 0;
            }
            default -> {
                return 0;
            }
        }
    }

    /**
     * Fits a box to {@code patch} (z, y, x) per axis: pads with zeros symmetrically when smaller (before =
     * {@code (P − s) / 2}, the rest after) and keeps the centre when larger (start = {@code s / 2 − P / 2}).
     * Writes into {@code out} at {@code offset} ({@code P_z·P_y·P_x} values, all overwritten).
     */
    public static void fit(Box box, int[] patch, float[] out, int offset) {
        int[] size = {box.nz(), box.ny(), box.nx()};
        int[] dst0 = new int[3];
        int[] src0 = new int[3];
        int[] len = new int[3];
        for (int a = 0; a < 3; a++) {
            if (size[a] <= patch[a]) {
                dst0[a] = (patch[a] - size[a]) / 2;
                src0[a] = 0;
                len[a] = size[a];
            } else {
                dst0[a] = 0;
                src0[a] = size[a] / 2 - patch[a] / 2;
                len[a] = patch[a];
            }
        }
        int n = patch[0] * patch[1] * patch[2];
        java.util.Arrays.fill(out, offset, offset + n, 0f);
        float[] src = box.data();
        for (int z = 0; z < len[0]; z++) {
            for (int y = 0; y < len[1]; y++) {
                int s = ((src0[0] + z) * size[1] + src0[1] + y) * size[2] + src0[2];
                int t = offset + ((dst0[0] + z) * patch[1] + dst0[1] + y) * patch[2] + dst0[2];
                System.arraycopy(src, s, out, t, len[2]);
            }
        }
    }
}
