package org.cryosiam.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * The reference's training losses (PyTorch / MONAI 1.3 semantics), on {@code N × C × D × H × W} network outputs.
 * Targets are given as dense float arrays: one-hot class maps (or the binary mask for one class) and distance maps.
 */
public final class Losses {
    /** MONAI's default smoothing of the generalised Dice loss. */
    public static final double SMOOTH = 1e-5;

    private Losses() {
    }

    /** {@code nn.CrossEntropyLoss()} (mean over voxels) from logits and a one-hot target of the same shape. */
    public static NDArray crossEntropy(NDArray logits, NDArray oneHot) {
        Shape s = logits.getShape();
        long voxels = s.get(0) * s.get(2) * s.get(3) * s.get(4);
        return logits.logSoftmax(1).mul(oneHot).sum().neg().div(voxels);
    }

    /**
     * {@code nn.BCEWithLogitsLoss()} (mean): {@code max(x, 0) − x·y + log(1 + exp(−|x|))}, the numerically stable form
     * PyTorch uses.
     */
    public static NDArray bceWithLogits(NDArray x, NDArray y) {
        NDArray relu = x.maximum(0f);
        NDArray soft = x.abs().neg().exp().add(1f).log();
        return relu.sub(x.mul(y)).add(soft).mean();
    }

    /**
     * MONAI {@code GeneralizedDiceLoss(include_background=True, to_onehot_y=True, softmax|sigmoid, w_type='square',
     * reduction='mean', batch=False)}: per sample {@code 1 − (2·Σ_c w_c·I_c + 1e-5) / (Σ_c w_c·(G_c + P_c) + 1e-5)}
     * with {@code I_c = Σ t·p}, {@code G_c = Σ t}, {@code P_c = Σ p} over the voxels, {@code w_c = 1/G_c²} and the
     * weight of an absent class ({@code G_c = 0}, infinite weight) replaced by the sample's largest finite weight;
     * then the mean over samples.
     *
     * @param probs softmax (several classes) or sigmoid (one class) of the logits
     * @param target one-hot target (the binary mask for one class), same shape
     * @param groundSums {@code G} per sample and class ({@code N × C}), computed from the target on the host
     */
    public static NDArray generalizedDice(NDArray probs, NDArray target, double[][] groundSums) {
        int n = groundSums.length;
        int c = groundSums[0].length;
        float[] w = new float[n * c];
        for (int b = 0; b < n; b++) {
            double max = 0;
            for (int k = 0; k < c; k++) {
                double g = groundSums[b][k];
                // float32 as MONAI computes it: 1/g² overflows to inf only for g = 0 in practice
                float wk = (float) (1.0 / ((float) g * (float) g));
                if (!Float.isInfinite(wk)) {
                    w[b * c + k] = wk;
                    max = Math.max(max, wk);
                }
            }
            for (int k = 0; k < c; k++) {
                float wk = (float) (1.0 / ((float) groundSums[b][k] * (float) groundSums[b][k]));
                if (Float.isInfinite(wk)) {
                    w[b * c + k] = (float) max;
                }
            }
        }
        NDArray weights = probs.getManager().create(w, new Shape(n, c)).toDevice(probs.getDevice(), false);
        int[] spatial = {2, 3, 4};
        NDArray inter = probs.mul(target).sum(spatial);
        NDArray denom = probs.sum(spatial).add(target.sum(spatial));
        NDArray numer = inter.mul(weights).sum(new int[] {1}).mul(2f).add(SMOOTH);
        NDArray den = denom.mul(weights).sum(new int[] {1}).add(SMOOTH);
        return numer.div(den).neg().add(1f).mean();
    }

    /** {@code nn.MSELoss()(tanh(distance), target)}. */
    public static NDArray tanhMse(NDArray distance, NDArray target) {
        NDArray d = distance.tanh().sub(target);
        return d.mul(d).mean();
    }
}
