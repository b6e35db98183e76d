package org.cryosiam.nn;

import java.util.Arrays;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * One named tensor slot of a module: a learnable parameter or a buffer (BatchNorm running statistics and batch
 * counter), with the shape the configuration implies. The value is filled by the loader; the same {@code Param} may be
 * reachable under two state-dict names (PyTorch shares {@code encoder.fc} with {@code global_projector.6}).
 */
public final class Param {
    private final long[] shape;
    private final DataType dataType;
    private final boolean buffer;
    private NDArray value;

    Param(long[] shape, DataType dataType, boolean buffer) {
        this.shape = shape.clone();
        this.dataType = dataType;
        this.buffer = buffer;
    }

    /** The shape implied by the configuration. */
    public long[] shape() {
        return shape.clone();
    }

    public DataType dataType() {
        return dataType;
    }

    /** True for buffers (not trained by gradient descent), false for learnable parameters. */
    public boolean isBuffer() {
        return buffer;
    }

    /** The current value, or null while the slot is not loaded. */
    public NDArray value() {
        return value;
    }

    /** Replaces the value (the previous one is not closed: its manager owns it). */
    public void set(NDArray v) {
        if (!Arrays.equals(v.getShape().getShape(), shape)) {
            throw new IllegalArgumentException("value of shape " + v.getShape() + " for a slot of shape "
                    + Arrays.toString(shape));
        }
        this.value = v;
    }

    NDArray get() {
        if (value == null) {
            throw new IllegalStateException("parameter of shape " + Arrays.toString(shape) + " was never loaded");
        }
        return value;
    }

    @Override
    public String toString() {
        return (buffer ? "buffer" : "param") + Arrays.toString(shape) + " " + dataType;
    }
}
