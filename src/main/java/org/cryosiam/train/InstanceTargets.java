package org.cryosiam.train;

/**
 * Targets of the instance heads from an instance-id volume: the signed distance to the instance border (positive
 * inside, negative outside, clipped to ±{@value #CLIP} as the reference clips its {@code distances} target) and the
 * border voxels themselves.
 */
public final class InstanceTargets {
    /** The reference's {@code ClipIntensityd(keys=['distances'], a_min=-5, a_max=5)}. */
    public static final float CLIP = 5f;

    private InstanceTargets() {
    }

    /**
     * The signed distance of every voxel to the nearest voxel of another id, positive inside an instance, negative
     * outside, clipped to ±5; beyond the volume's edge counts as the other kind ({@link TrainingData#signedDistance}).
     * Voxels of an instance that touch another instance count as border, so touching instances stay apart.
     */
    public static float[] distances(int[] ids, int nz, int ny, int nx) {
        float[] border = boundaries(ids, nz, ny, nx);
        byte[] inside = new byte[ids.length];
        for (int i = 0; i < ids.length; i++) {
            boolean touchesOther = border[i] != 0 && touchesOtherInstance(ids, i, nz, ny, nx);
            inside[i] = (byte) (ids[i] > 0 && !touchesOther ? 1 : 0);
        }
        float[] d = TrainingData.signedDistance(inside, nz, ny, nx);
        for (int i = 0; i < d.length; i++) {
            d[i] = Math.max(-CLIP, Math.min(CLIP, d[i]));
        }
        return d;
    }

    /** 1 for an instance voxel with a 6-neighbour of another id (background included), else 0. */
    public static float[] boundaries(int[] ids, int nz, int ny, int nx) {
        float[] out = new float[ids.length];
        int plane = ny * nx;
        for (int z = 0; z < nz; z++) {
            for (int y = 0; y < ny; y++) {
                for (int x = 0; x < nx; x++) {
                    int i = z * plane + y * nx + x;
                    int id = ids[i];
                    if (id == 0) {
                        continue;
                    }
                    boolean edge = (z > 0 && ids[i - plane] != id) || (z < nz - 1 && ids[i + plane] != id)
                            || (y > 0 && ids[i - nx] != id) || (y < ny - 1 && ids[i + nx] != id)
                            || (x > 0 && ids[i - 1] != id) || (x < nx - 1 && ids[i + 1] != id);
                    out[i] = edge ? 1f : 0f;
                }
            }
        }
        return out;
    }

    private static boolean touchesOtherInstance(int[] ids, int i, int nz, int ny, int nx) {
        int plane = ny * nx;
        int z = i / plane, y = i / nx % ny, x = i % nx;
        int id = ids[i];
        int[] n = {z > 0 ? i - plane : -1, z < nz - 1 ? i + plane : -1, y > 0 ? i - nx : -1,
            y < ny - 1 ? i + nx : -1, x > 0 ? i - 1 : -1, x < nx - 1 ? i + 1 : -1};
        for (int j : n) {
            if (j >= 0 && ids[j] != 0 && ids[j] != id) {
                return true;
            }
        }
        return false;
    }
}
