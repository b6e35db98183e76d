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

    @Override
    public NDArray forward(NDArray x) {
        Shape s = new Shape(stride, stride, stride);
        Shape p = new Shape(padding, padding, padding);
        NDArray y = Conv3d.conv3d(x, weight.get(), bias == null ? null : bias.get(), s, p, new Shape(1, 1, 1), groups)
                .singletonOrThrow();
        if (FlopCounter.enabled) {
            Shape o = y.getShape(); // N, C, D, H, W: each output voxel of each channel costs a multiply-add per weight
            FlopCounter.add(2L * o.get(0) * o.get(2) * o.get(3) * o.get(4) * weight.get().size());
        }
        return y;
    }
}
