package org.cryosiam.train;

import java.util.Map;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The denoising head ({@code CNNHead}): the sample's one distance channel holds the clean image; the loss is the MSE
 * of the {@code denoise} output against it.
 */
public record DenoiseTraining() implements TrainingTask {
    @Override
    public Trainer.Task heads() {
        return Trainer.Task.DENOISE;
    }

    /** Nothing: the clean image travels in the distance channel. */
    @Override
    public void addTargets(Sample smp, int index, TrainingBatch batch) {
    }

    @Override
    public NDArray[] losses(NDManager m, Device device, Map<String, NDArray> y, TrainingBatch b) {
        Shape shape = new Shape(b.n(), b.channels(), b.nz(), b.ny(), b.nx());
        NDArray d = y.get("denoise").sub(TrainingTask.upload(m, device, b.dist(), shape));
        NDArray mse = d.mul(d).mean();
        return new NDArray[] {mse, mse, null};
    }
}
