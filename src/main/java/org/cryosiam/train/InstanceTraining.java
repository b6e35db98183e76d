package org.cryosiam.train;

import java.util.Map;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The instance heads ({@code InstanceHeads}, as the reference's {@code InstanceSegmentationModule}): the labels are
 * instance ids, the distance channel the signed distance to the instance border clipped to ±5; loss = BCE-with-logits
 * of {@code foreground} against {@code ids > 0} + MSE of the raw {@code distance} + BCE-with-logits of
 * {@code boundary} against {@link InstanceTargets#boundaries}.
 */
public record InstanceTraining() implements TrainingTask {
    @Override
    public Trainer.Task heads() {
        return Trainer.Task.INSTANCE;
    }

    @Override
    public boolean needsBoundaries() {
        return true;
    }

    /** The foreground mask and the instance borders. */
    @Override
    public void addTargets(Sample smp, int i, TrainingBatch b) {
        int v = b.voxels();
        int[] lab = smp.labels();
        float[] target = b.target();
        for (int k = 0; k < v; k++) {
            target[i * v + k] = lab[k] > 0 ? 1f : 0f;
        }
        float[] bd = InstanceTargets.boundaries(lab, smp.nz(), smp.ny(), smp.nx());
        System.arraycopy(bd, 0, b.boundaries(), i * v, v);
    }

    @Override
    public NDArray[] losses(NDManager m, Device device, Map<String, NDArray> y, TrainingBatch b) {
        Shape shape = new Shape(b.n(), b.channels(), b.nz(), b.ny(), b.nx());
        NDArray target = TrainingTask.upload(m, device, b.target(), shape);
        Shape one = new Shape(b.n(), 1, b.nz(), b.ny(), b.nx());
        NDArray boundary = TrainingTask.upload(m, device, b.boundaries(), one);
        NDArray labels = Losses.bceWithLogits(y.get("foreground"), target)
                .add(Losses.bceWithLogits(y.get("boundary"), boundary));
        NDArray diff = y.get("distance").sub(TrainingTask.upload(m, device, b.dist(), one));
        NDArray d = diff.mul(diff).mean();
        return new NDArray[] {labels.add(d), labels, d};
    }
}
