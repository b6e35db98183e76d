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
        if (bf16() != null && Bf16.isBf16(x)) {
            w = bf16().weight(w);
            b = b == null ? null : bf16().weight(b);
        }
        Shape s = new Shape(stride, stride, stride);
        Shape p = new Shape(padding, padding, padding);
        NDArray y = Conv3d.conv3d(x, w, b, s, p, new Shape(1, 1, 1), groups).singletonOrThrow();
        FlopCounter counter = flops;
        if (counter != null) {
            Shape o = y.getShape(); // N, C, D, H, W: each output voxel of each channel costs a multiply-add per weight
            counter.add(2L * o.get(0) * o.get(2) * o.get(3) * o.get(4) * weight.get().size());
        }
        return y;
    }
}
