package org.cryosiam.nn;

import ai.djl.ndarray.NDArray;

/** Makes free-standing {@link Param}s for tests outside this package. */
public final class TestParams {
    private TestParams() {
    }

    public static Param of(NDArray value) {
        Param p = new Param(value.getShape().getShape(), value.getDataType(), false);
        p.set(value);
        return p;
    }
}
