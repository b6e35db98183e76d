package org.cryosiam.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.norm.BatchNorm;

/**
 * {@code nn.BatchNorm1d/3d} over axis 1: {@code weight}, {@code bias} (when affine), {@code running_mean},
 * {@code running_var}, {@code num_batches_tracked}. Inference uses the running statistics; training mode uses batch
 * statistics and updates the running ones in place (PyTorch semantics, {@code momentum} as PyTorch counts it).
 */
public final class BatchNormLayer extends Layer {
    /** PyTorch's defaults. */
    public static final float DEFAULT_EPS = 1e-5f;
    public static final float DEFAULT_MOMENTUM = 0.1f;

    private final Param weight;
    private final Param bias;
    private final Param runningMean;
    private final Param runningVar;
    private final Param numBatchesTracked;
    private final float eps;
    private final float momentum;
    private final int features;

    public BatchNormLayer(int features) {
        this(features, true, DEFAULT_EPS, DEFAULT_MOMENTUM);
    }

    public BatchNormLayer(int features, boolean affine, float eps, float momentum) {
        this.features = features;
        this.eps = eps;
        this.momentum = momentum;
        this.weight = affine ? parameter("weight", features) : null;
        this.bias = affine ? parameter("bias", features) : null;
        this.runningMean = buffer("running_mean", DataType.FLOAT32, features);
        this.runningVar = buffer("running_var", DataType.FLOAT32, features);
        this.numBatchesTracked = buffer("num_batches_tracked", DataType.INT64);
    }

    public float eps() {
        return eps;
    }

    @Override
    public NDArray forward(NDArray x) {
        if (Bf16.isBf16(x)) { // the statistics are float32: normalise in float32 (only small BatchNorms get here)
            NDArray x32 = bf16().toFloat32(x);
            NDArray y = Intermediates.replace(x32, forward(x32));
            return Intermediates.replace(y, bf16().toBf16(y));
        }
        NDArray mean = runningMean.get();
        NDArray gamma;
        NDArray beta;
        if (weight != null) {
            gamma = weight.get();
            beta = bias.get();
        } else {
            // affine = False: identity scale and shift (DJL's PyTorch bridge needs both tensors)
            gamma = mean.onesLike();
            beta = mean.zerosLike();
        }
        // DJL's "momentum" is the weight of the old running value: 1 - PyTorch's momentum. axis -1 hands the
        // tensor to torch.batch_norm unchanged (channels on axis 1).
        NDArray y = BatchNorm.batchNorm(x, mean, runningVar.get(), gamma, beta, -1, 1f - momentum, eps, isTraining())
                .singletonOrThrow();
        if (weight == null) {
            gamma.close();
            beta.close();
        }
        if (isTraining() && numBatchesTracked.value() != null) {
            numBatchesTracked.value().addi(1);
        }
        return y;
    }

    /**
     * The inference-mode affine form, per channel: {@code scale = γ/√(σ²+ε)} and {@code shift = β − μ·scale}, made on
     * the running statistics' manager (so they live as long as the weights).
     */
    NDArray[] scaleAndShift() {
        NDArray mean = runningMean.get();
        NDArray scale = runningVar.get().add(eps).sqrt().getNDArrayInternal().rdiv(1f);
        if (weight != null) {
            scale = scale.mul(weight.get());
        }
        NDArray shift = mean.mul(scale).neg();
        if (bias != null) {
            shift = shift.add(bias.get());
        }
        return new NDArray[] {scale, shift};
    }

    /** Identifies the tensors the folded form was made from (they are replaced, not mutated, outside training). */
    NDArray foldKey() {
        return runningVar.get();
    }

    int features() {
        return features;
    }
}
