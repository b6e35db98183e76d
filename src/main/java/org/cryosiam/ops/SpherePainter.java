package org.cryosiam.ops;

/**
 * Paints solid balls into a label volume: every voxel {@code (z, y, x)} with
 * {@code (z - cz)² + (y - cy)² + (x - cx)² ≤ r²} takes the value. This is the ball of the reference's
 * {@code create_sphere(r) > -0.5} (cryosiam 1.0 {@code processing_create_sphere_mask*}), whose normalised distance
 * map keeps exactly the voxels within distance {@code r} of the centre, pasted with its centre on the voxel. Parts
 * outside the volume are clipped; a centre outside the volume paints whatever part of the ball reaches inside.
 *
 * <p>The volume is a flat {@code (nz, ny, nx)} array, x fastest. Voxel values are bytes (uint8 labels 0..255).
 */
public final class SpherePainter {
    private SpherePainter() {
    }

    /**
     * Sets every voxel within distance {@code radius} of {@code (cz, cy, cx)} to {@code value}.
     *
     * @return the number of voxels painted (inside the volume)
     */
    public static long paint(byte[] volume, int nz, int ny, int nx, int cz, int cy, int cx, int radius, byte value) {
        if ((long) nz * ny * nx != volume.length) {
            throw new IllegalArgumentException("volume " + nz + "x" + ny + "x" + nx + " needs " + (long) nz * ny * nx
                    + " voxels, got " + volume.length);
        }
        if (radius < 0) {
            throw new IllegalArgumentException("negative radius " + radius);
        }
        long r2 = (long) radius * radius;
        long painted = 0;
        int z0 = (int) Math.max(0, (long) cz - radius);
        int z1 = (int) Math.min(nz - 1L, (long) cz + radius);
        for (int z = z0; z <= z1; z++) {
            long dz2 = (long) (z - cz) * (z - cz);
            // half-width of the disc in this plane: the largest dy with dy² ≤ r² − dz²
            int hy = isqrt(r2 - dz2);
            int y0 = (int) Math.max(0, (long) cy - hy);
            int y1 = (int) Math.min(ny - 1L, (long) cy + hy);
            for (int y = y0; y <= y1; y++) {
                long dy2 = (long) (y - cy) * (y - cy);
                int hx = isqrt(r2 - dz2 - dy2);
                int x0 = (int) Math.max(0, (long) cx - hx);
                int x1 = (int) Math.min(nx - 1L, (long) cx + hx);
                if (x0 > x1) {
                    continue;
                }
                int row = (z * ny + y) * nx;
                java.util.Arrays.fill(volume, row + x0, row + x1 + 1, value);
                painted += x1 - x0 + 1;
            }
        }
        return painted;
    }

    /** The largest {@code k ≥ 0} with {@code k² ≤ v} ({@code v ≥ 0}). */
    static int isqrt(long v) {
        long k = (long) Math.sqrt((double) v);
        while (k * k > v) {
            k--;
        }
        while ((k + 1) * (k + 1) <= v) {
            k++;
        }
        return (int) k;
    }
}
