package org.cryosiam.checkpoint;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A tensor read from a checkpoint: element type, shape, and its elements stored contiguously (row-major) as
 * little-endian bytes. Views of a storage (offset, strides) are resolved when the tensor is made, so every tensor
 * owns plain contiguous data.
 */
public final class Tensor {
    private final DType dtype;
    private final int[] shape;
    private final ByteBuffer data;

    /**
     * @param data contiguous little-endian elements, exactly {@code numel(shape) * dtype.size()} bytes
     */
    public Tensor(DType dtype, int[] shape, ByteBuffer data) {
        long n = numel(shape);
        if (data.remaining() != n * dtype.size()) {
            throw new IllegalArgumentException("tensor " + Arrays.toString(shape) + " of " + dtype + " needs "
                    + n * dtype.size() + " bytes, got " + data.remaining());
        }
        this.dtype = dtype;
        this.shape = shape.clone();
        this.data = data.slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    public static Tensor ofFloats(int[] shape, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return new Tensor(DType.FLOAT32, shape, b);
    }

    public static Tensor ofLongs(int[] shape, long[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(values);
        return new Tensor(DType.INT64, shape, b);
    }

    public static long numel(int[] shape) {
        long n = 1;
        for (int s : shape) {
            n *= s;
        }
        return n;
    }

    public DType dtype() {
        return dtype;
    }

    public int[] shape() {
        return shape.clone();
    }

    public long numel() {
        return numel(shape);
    }

    /** The raw little-endian bytes (a read-only view). */
    public ByteBuffer bytes() {
        return data.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The elements as float32, converting from any dtype. */
    public float[] toFloatArray() {
        int n = Math.toIntExact(numel());
        float[] out = new float[n];
        ByteBuffer b = bytes();
        for (int i = 0; i < n; i++) {
            out[i] = (float) element(b, i);
        }
        return out;
    }

    /** The elements as float64, converting from any dtype. */
    public double[] toDoubleArray() {
        int n = Math.toIntExact(numel());
        double[] out = new double[n];
        ByteBuffer b = bytes();
        for (int i = 0; i < n; i++) {
            out[i] = element(b, i);
        }
        return out;
    }

    /** The elements as int64 (floating values truncated). */
    public long[] toLongArray() {
        int n = Math.toIntExact(numel());
        long[] out = new long[n];
        ByteBuffer b = bytes();
        for (int i = 0; i < n; i++) {
            out[i] = dtype == DType.INT64 ? b.getLong(i * 8) : (long) element(b, i);
        }
        return out;
    }

    private double element(ByteBuffer b, int i) {
        switch (dtype) {
            case FLOAT32: return b.getFloat(i * 4);
            case FLOAT64: return b.getDouble(i * 8);
            case FLOAT16: return org.cryosiam.io.Float16.toFloat(b.getShort(i * 2));
            case BFLOAT16: return Float.intBitsToFloat((b.getShort(i * 2) & 0xffff) << 16);
            case INT64: return b.getLong(i * 8);
            case INT32: return b.getInt(i * 4);
            case INT16: return b.getShort(i * 2);
            case INT8: return b.get(i);
            case UINT8: return b.get(i) & 0xff;
            case BOOL: return b.get(i) != 0 ? 1 : 0;
            default: throw new IllegalStateException(String.valueOf(dtype));
        }
    }

    @Override
    public String toString() {
        return "Tensor[" + dtype + " " + Arrays.toString(shape) + "]";
    }
}
