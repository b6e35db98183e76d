package org.cryosiam.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/** {@code nn.ReLU}: no state, occupies an index in a {@link Sequential} as in PyTorch. */
public final class Relu extends Layer {
    @Override
    public NDArray forward(NDArray x) {
        return Activation.relu(x);
    }
}
