package org.cryosiam.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.core.Linear;

/** {@code nn.Linear}: {@code weight [out, in]}, optional {@code bias [out]}. */
public final class LinearLayer extends Layer {
    private final Param weight;
    private final Param bias;

    public LinearLayer(int in, int out, boolean bias) {
        this.weight = parameter("weight", out, in);
        this.bias = bias ? parameter("bias", out) : null;
    }

    @Override
    public NDArray forward(NDArray x) {
        NDArray w = weight.get();
        NDArray b = bias == null ? null : bias.get();
        if (bf16() != null && Bf16.isBf16(x)) {
            w = bf16().weight(w);
            b = b == null ? null : bf16().weight(b);
        }
        return Linear.linear(x, w, b).singletonOrThrow();
    }
}
