package org.cryosiam.train;

/**
 * One training patch: image, integer class labels and per-class signed distance maps ({@code channels × D × H × W},
 * already clipped to ±5 and scaled to ±1), all {@code (z, y, x)} row-major.
 */
public record Sample(String name, float[] image, int[] labels, float[] distances, int channels, int nz, int ny,
        int nx) {
    public int voxels() {
        return nz * ny * nx;
    }
}
