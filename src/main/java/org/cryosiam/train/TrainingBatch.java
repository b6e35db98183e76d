package org.cryosiam.train;

/**
 * One batch as the {@link Trainer} feeds it to the network: {@code n} patches of {@code nz × ny × nx} voxels, their
 * intensity-normalised images, the samples' distance channels ({@code channels} per patch) and the targets a
 * {@link TrainingTask} fills in ({@link TrainingTask#addTargets}).
 *
 * @param target      {@code n × channels} maps: one-hot classes (semantic) or the foreground mask (instance)
 * @param groundSums  voxels per patch and class of the one-hot target (the generalised Dice loss's {@code G})
 * @param boundaries  {@code n} border maps of the instance ids, null unless {@link TrainingTask#needsBoundaries}
 */
public record TrainingBatch(int n, int channels, int nz, int ny, int nx, float[] images, float[] target,
        float[] dist, double[][] groundSums, float[] boundaries) {
    /** Voxels of one patch. */
    public int voxels() {
        return nz * ny * nx;
    }
}
