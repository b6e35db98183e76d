package org.cryosiam.train;

import java.util.Map;

import org.cryosiam.CryosiamUserException;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The semantic heads ({@code SemanticSegmentationModule}): the sample's labels are classes, its distance maps one per
 * class. Loss = labels loss (BCE-with-logits for one class, else cross-entropy; plus the generalised Dice loss when
 * {@code use_dice_loss}) + the MSE of {@code tanh(distance)} against the distance target when
 * {@code distance_prediction}.
 */
public record SemanticTraining(boolean useDice, boolean distancePrediction) implements TrainingTask {
    @Override
    public Trainer.Task heads() {
        return Trainer.Task.SEMANTIC;
    }

    /** One-hot classes (the binary mask for one class) and the voxel count per class. */
    @Override
    public void addTargets(Sample smp, int i, TrainingBatch b) {
        int v = b.voxels();
        int c = b.channels();
        int[] lab = smp.labels();
        float[] target = b.target();
        double[][] ground = b.groundSums();
        for (int k = 0; k < v; k++) {
            int cls;
            if (c == 1) {
                cls = lab[k] > 0 ? 0 : -1;
            } else {
                cls = lab[k];
                if (cls < 0 || cls >= c) {
                    throw new CryosiamUserException(smp.name() + ": label " + cls + " outside 0.."
                            + (c - 1) + " (parameters.network.out_channels: " + c + ")");
                }
            }
            if (cls >= 0) {
                target[(i * c + cls) * v + k] = 1f;
                ground[i][cls]++;
            }
        }
    }

    @Override
    public NDArray[] losses(NDManager m, Device device, Map<String, NDArray> y, TrainingBatch b) {
        Shape shape = new Shape(b.n(), b.channels(), b.nz(), b.ny(), b.nx());
        NDArray target = TrainingTask.upload(m, device, b.target(), shape);
        NDArray logits = y.get("semantic");
        NDArray labels;
        NDArray probs;
        if (b.channels() == 1) {
            labels = Losses.bceWithLogits(logits, target);
            probs = useDice ? logits.getNDArrayInternal().sigmoid() : null;
        } else {
            labels = Losses.crossEntropy(logits, target);
            probs = useDice ? logits.softmax(1) : null;
        }
        if (useDice) {
            labels = labels.add(Losses.generalizedDice(probs, target, b.groundSums()));
        }
        if (!distancePrediction) {
            return new NDArray[] {labels, labels, null};
        }
        NDArray dist = TrainingTask.upload(m, device, b.dist(), shape);
        NDArray d = Losses.tanhMse(y.get("distance"), dist);
        return new NDArray[] {labels.add(d), labels, d};
    }
}
