package org.cryosiam.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv3d;

/** {@code nn.Conv3d} with a cubic kernel: {@code weight [out, in/groups, k, k, k]}, optional {@code bias [out]}. */
public final class Conv3dLayer extends Layer {
    private final Param weight;
    private final Param bias;
    private final int kernel;
    private final int stride;
    private final int padding;
    private final int groups;
    private final int outChannels;
    /** Inference-mode folding cache: {weight it was made from, BatchNorm key, folded weight, folded bias}. */
    private NDArray[] folded;
    private boolean foldBatchNorm = true;
    /** Fold into this layer's own weight array (predict-only networks): no second copy of the weights. */
    private boolean foldInPlace;
    /** Where this layer's FLOPs are counted (null: nowhere). */
    private FlopCounter flops;

    public Conv3dLayer(int in, int out, int kernel, int stride, int padding, int groups, boolean bias) {
        if (in % groups != 0) {
            throw new IllegalArgumentException("in channels " + in + " not divisible by groups " + groups);
        }
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        this.groups = groups;
        this.outChannels = out;
        this.weight = parameter("weight", out, in / groups, kernel, kernel, kernel);
        this.bias = bias ? parameter("bias", out) : null;
    }

    /** A convolution with stride 1, one group. */
    public static Conv3dLayer of(int in, int out, int kernel, int padding, boolean bias) {
        return new Conv3dLayer(in, out, kernel, 1, padding, 1, bias);
    }

    public int kernel() {
        return kernel;
    }

    public int outChannels() {
        return outChannels;
    }

    /** Whether {@link #forward(NDArray, BatchNormLayer)} folds in inference mode (on by default). */
    void setFoldBatchNorm(boolean on) {
        foldBatchNorm = on;
    }

    /** See {@link Network#countFlops}. */
    void countFlops(FlopCounter counter) {
        flops = counter;
    }

    /** See {@link Network#predictOnly()}. */
    void setFoldInPlace() {
        foldInPlace = true;
    }

    /**
     * {@code bn.forward(forward(x))}. In inference mode the BatchNorm is folded into this convolution's weights and
     * bias ({@code w·γ/√(σ²+ε)}, {@code (b − μ)·γ/√(σ²+ε) + β}), saving a full pass over the output; the folded
     * tensors are made once and kept until the mode changes. Agrees with the unfolded pair to float rounding.
     */
    public NDArray forward(NDArray x, BatchNormLayer bn) {
        if (isTraining() || bn.isTraining() || !foldBatchNorm) {
            if (isTraining() || bn.isTraining()) {
                folded = null; // training changes the weights in place: fold again afterwards
            }
            NDArray y = forward(x);
            return Intermediates.replace(y, bn.forward(y));
        }
        if (folded == null || folded[0] != weight.get() || folded[1] != bn.foldKey()) {
            NDArray[] scaleShift = bn.scaleAndShift(); // per channel: γ/√(σ²+ε), β − μ·γ/√(σ²+ε)
            NDArray w = weight.get();
            NDArray scale = scaleShift[0];
            NDArray fw = foldInPlace ? w.muli(scale.reshape(outChannels, 1, 1, 1, 1))
                    : w.mul(scale.reshape(outChannels, 1, 1, 1, 1));
            NDArray fb = bias == null ? scaleShift[1] : bias.get().mul(scale).add(scaleShift[1]);
            // kept across forward passes: take them out of the caller's NDScope (they belong to the weights' manager)
            ai.djl.ndarray.NDScope.unregister(fw, fb);
            folded = new NDArray[] {w, bn.foldKey(), fw, fb};
        }
        return convolve(x, folded[2], folded[3]);
    }

    @Override
    public NDArray forward(NDArray x) {
        return convolve(x, weight.get(), bias == null ? null : bias.get());
    }

    private NDArray convolve(NDArray x, NDArray w, NDArray b) {
        boolean half = bf16() != null && Bf16.isBf16(x);
        if (half) {
            w = bf16().weight(w);
            b = b == null ? null : bf16().weight(b);
        }
        int channels = computedChannels(half, w);
        if (channels == outChannels) {
            return counted(Conv3d.conv3d(x, w, b, strides(), paddings(), new Shape(1, 1, 1), groups)
                    .singletonOrThrow());
        }
        NDArray[] wb = paddedWeights(w, b, channels, half);
        try (NDArray y = Conv3d.conv3d(x, wb[0], wb[1], strides(), paddings(), new Shape(1, 1, 1), groups)
                .singletonOrThrow()) {
            return counted(y.get(":, 0:" + outChannels));
        } finally {
            if (isTraining()) { // made from weights that change at every step: not kept
                wb[0].close();
                if (wb[1] != null) {
                    wb[1].close();
                }
            }
        }
    }

    /** {@code y}, its FLOPs counted where they are counted. */
    private NDArray counted(NDArray y) {
        FlopCounter counter = flops;
        if (counter != null) {
            Shape o = y.getShape(); // N, C, D, H, W: each output voxel of each channel costs a multiply-add per weight
            counter.add(2L * o.get(0) * o.get(2) * o.get(3) * o.get(4) * weight.get().size());
        }
        return y;
    }

    /** oneDNN's widest channel block on x86 CPUs (AVX-512; AVX2 uses 8, which divides it). */
    static final int CPU_CHANNEL_BLOCK = 16;

    /**
     * The output channels this layer is computed with: its own, except on the CPU when it trains or runs in
     * bfloat16 with a count that is not a multiple of {@link #CPU_CHANNEL_BLOCK}. oneDNN 3.5.3 (libtorch 2.5.1) then
     * pads the channels to its block inside, and on AVX-512 CPUs (measured on an AMD EPYC with AVX-512-BF16) it
     * reads stale memory from that padding: NaN input gradients from finite inputs in float32 backward passes (1–6
     * of 40 passes of a 64 → 4 head convolution, and a NaN first step of every fine-tuning), and bfloat16 outputs
     * 6–26 % of their range off float32 for 8-channel layers. With the channels padded here, with zero weights, it
     * has no padding to read: 0 of 80 passes non-finite, bfloat16 within 1.3 %. Float32 inference is unaffected
     * (the fixtures' parity) and keeps the plain convolution.
     */
    private int computedChannels(boolean half, NDArray w) {
        if (!(isTraining() || half) || w.getDevice().isGpu() || groups != 1 || outChannels % CPU_CHANNEL_BLOCK == 0) {
            return outChannels;
        }
        return (outChannels / CPU_CHANNEL_BLOCK + 1) * CPU_CHANNEL_BLOCK;
    }

    /** {@link #computedChannels} of float32 input, for tests. */
    int computedChannelsForTest() {
        return computedChannels(false, weight.get());
    }

    /** Inference-mode cache of the padded weights: {weight, bias they were made from, padded weight, bias}. */
    private NDArray[] padded;

    /**
     * {@code w} and {@code b} with zero channels appended up to {@code channels}: the same values and gradients for
     * the real channels. Kept across passes in inference (the weights do not change), made anew in training.
     */
    private NDArray[] paddedWeights(NDArray w, NDArray b, int channels, boolean half) {
        if (!isTraining() && padded != null && padded[0] == w && padded[1] == b) {
            return new NDArray[] {padded[2], padded[3]};
        }
        long[] shape = w.getShape().getShape().clone(); // DJL hands out the array's own shape
        shape[0] = channels - outChannels;
        NDArray wp = appendZeros(w, new Shape(shape), half);
        NDArray bp = b == null ? null : appendZeros(b, new Shape(shape[0]), half);
        if (!isTraining()) {
            // kept across forward passes: out of the caller's NDScope, owned by the weights' manager
            ai.djl.ndarray.NDScope.unregister(bp == null ? new NDArray[] {wp} : new NDArray[] {wp, bp});
            wp.attach(w.getManager());
            if (bp != null) {
                bp.attach(w.getManager());
            }
            if (padded != null) {
                padded[2].close();
                if (padded[3] != null) {
                    padded[3].close();
                }
            }
            padded = new NDArray[] {w, b, wp, bp};
        }
        return new NDArray[] {wp, bp};
    }

    /** {@code a} followed along axis 0 by zeros of {@code zeros}' shape, in {@code a}'s type. */
    private NDArray appendZeros(NDArray a, Shape zeros, boolean half) {
        try (NDArray z32 = a.getManager().zeros(zeros, ai.djl.ndarray.types.DataType.FLOAT32, a.getDevice());
                NDArray z = half ? bf16().toBf16(z32) : null) {
            return a.concat(half ? z : z32, 0);
        }
    }

    private Shape strides() {
        return new Shape(stride, stride, stride);
    }

    private Shape paddings() {
        return new Shape(padding, padding, padding);
    }
}
