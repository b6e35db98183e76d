package org.cryosiam.train;

import java.util.Map;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * What the heads of a dense model learn: the targets of a batch from its samples and the loss of the network's
 * outputs against them. One implementation per task of the reference's dense training modules
 * ({@link SemanticTraining}, {@link DenoiseTraining}, {@link InstanceTraining}); the {@link Trainer} runs the loop
 * for any of them.
 */
public interface TrainingTask {
    /** The heads this task trains. */
    Trainer.Task heads();

    /** Whether batches carry the instance border maps ({@link TrainingBatch#boundaries}). */
    default boolean needsBoundaries() {
        return false;
    }

    /**
     * Writes the targets of sample {@code smp}, the {@code index}-th patch of {@code batch}, into the batch's
     * target arrays (the images and distance channels are already there).
     */
    void addTargets(Sample smp, int index, TrainingBatch batch);

    /**
     * The losses of one batch: {total (what is minimised), labels part, distance part or null when the task has
     * none}, each a scalar.
     */
    NDArray[] losses(NDManager m, Device device, Map<String, NDArray> outputs, TrainingBatch batch);

    /**
     * The task of {@code heads}: for {@link Trainer.Task#SEMANTIC} the labels loss with the generalised Dice loss
     * ({@code use_dice_loss}) and the distance loss ({@code distance_prediction}) as configured; the other tasks
     * have fixed losses.
     */
    static TrainingTask of(Trainer.Task heads, boolean useDice, boolean distancePrediction) {
        return switch (heads) {
            case SEMANTIC -> new SemanticTraining(useDice, distancePrediction);
            case DENOISE -> new DenoiseTraining();
            case INSTANCE -> new InstanceTraining();
        };
    }

    /** {@code data} of {@code shape} as an array on {@code device}. */
    static NDArray upload(NDManager m, Device device, float[] data, Shape shape) {
        return m.create(data, shape).toDevice(device, false);
    }
}
