package org.cryosiam.nn;

import ai.djl.ndarray.NDArray;

/** A feature-pyramid decoder: encoder features {@code res2..res5} → one map at the resolution of {@code res2}. */
public abstract class Decoder extends Module {
    public abstract NDArray forward(NDArray[] features);

    /** Throws a user error when the decoder cannot run on a patch of this size ({@code z, y, x}). */
    public void checkPatchSize(long[] zyx) {
    }
}
