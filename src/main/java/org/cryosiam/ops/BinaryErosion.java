package org.cryosiam.ops;

/**
 * Binary erosion with the 6-connected cross ({@code scipy.ndimage.generate_binary_structure(3, 1)}), one
 * iteration, as {@code scipy.ndimage.binary_erosion(mask, structure, border_value=b)}: a voxel stays 1 when it
 * and its six face neighbours are non-zero; neighbours outside the volume count as {@code borderValue}.
 * {@code skimage.morphology.binary_erosion} (what the reference calls) passes {@code border_value=True}, so the
 * border does not erode — pass {@code true} to match it.
 */
public final class BinaryErosion {
    private BinaryErosion() {
    }

    /** Returns a new 0/1 mask. */
    public static byte[] erode(byte[] mask, int nz, int ny, int nx, boolean borderValue) {
        Slabs.size(mask.length, nz, ny, nx);
        byte[] out = new byte[mask.length];
        int plane = ny * nx;
        Slabs.forEach(nz, plane, z -> {
            for (int y = 0; y < ny; y++) {
                int row = (z * ny + y) * nx;
                for (int x = 0; x < nx; x++) {
                    int i = row + x;
                    if (mask[i] == 0) {
                        continue;
                    }
                    boolean keep = (x > 0 ? mask[i - 1] != 0 : borderValue)
                            && (x < nx - 1 ? mask[i + 1] != 0 : borderValue)
                            && (y > 0 ? mask[i - nx] != 0 : borderValue)
                            && (y < ny - 1 ? mask[i + nx] != 0 : borderValue)
                            && (z > 0 ? mask[i - plane] != 0 : borderValue)
                            && (z < nz - 1 ? mask[i + plane] != 0 : borderValue);
                    out[i] = (byte) (keep ? 1 : 0);
                }
            }
        });
        return out;
    }
}
