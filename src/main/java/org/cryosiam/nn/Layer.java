package org.cryosiam.nn;

import ai.djl.ndarray.NDArray;

/** A module with one input and one output, usable inside a {@link Sequential}. */
public abstract class Layer extends Module {
    public abstract NDArray forward(NDArray x);
}
