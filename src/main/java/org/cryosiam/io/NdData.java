package org.cryosiam.io;

import java.lang.reflect.Array;
import java.util.Arrays;

/**
 * An n-D array as one flat primitive array in C order (last axis fastest) with its shape and element type: what an
 * HDF5 dataset or an MRC volume holds. The array class follows {@link ElementType#arrayClass()}; unsigned values are
 * stored in the signed Java type of the same width.
 */
public final class NdData {
    private final ElementType type;
    private final int[] shape;
    private final Object data;

    public NdData(ElementType type, int[] shape, Object data) {
        if (data == null || data.getClass() != type.arrayClass()) {
            throw new IllegalArgumentException(type + " needs a " + type.arrayClass().getSimpleName() + ", got "
                    + (data == null ? "null" : data.getClass().getSimpleName()));
        }
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n *= d;
        }
        if (n != Array.getLength(data)) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + n + " elements, got "
                    + Array.getLength(data));
        }
        this.type = type;
        this.shape = shape.clone();
        this.data = data;
    }

    public static NdData uint8(byte[] data, int... shape) {
        return new NdData(ElementType.UINT8, shape, data);
    }

    public static NdData int8(byte[] data, int... shape) {
        return new NdData(ElementType.INT8, shape, data);
    }

    public static NdData uint16(short[] data, int... shape) {
        return new NdData(ElementType.UINT16, shape, data);
    }

    public static NdData int16(short[] data, int... shape) {
        return new NdData(ElementType.INT16, shape, data);
    }

    public static NdData uint32(int[] data, int... shape) {
        return new NdData(ElementType.UINT32, shape, data);
    }

    public static NdData int32(int[] data, int... shape) {
        return new NdData(ElementType.INT32, shape, data);
    }

    public static NdData int64(long[] data, int... shape) {
        return new NdData(ElementType.INT64, shape, data);
    }

    public static NdData float32(float[] data, int... shape) {
        return new NdData(ElementType.FLOAT32, shape, data);
    }

    public static NdData float64(double[] data, int... shape) {
        return new NdData(ElementType.FLOAT64, shape, data);
    }

    public ElementType type() {
        return type;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    /** Number of elements. */
    public int size() {
        return Array.getLength(data);
    }

    /** The primitive array, shared (not copied). */
    public Object data() {
        return data;
    }

    public byte[] bytes() {
        return (byte[]) checked(byte[].class);
    }

    public short[] shorts() {
        return (short[]) checked(short[].class);
    }

    public int[] ints() {
        return (int[]) checked(int[].class);
    }

    public long[] longs() {
        return (long[]) checked(long[].class);
    }

    public float[] floats() {
        return (float[]) checked(float[].class);
    }

    public double[] doubles() {
        return (double[]) checked(double[].class);
    }

    private Object checked(Class<?> c) {
        if (data.getClass() != c) {
            throw new IllegalStateException("array of " + type.numpyName() + " is not a " + c.getSimpleName());
        }
        return data;
    }

    /** Element {@code i} (flat index) as a double, unsigned types read as unsigned. Not for voxel loops. */
    public double getDouble(int i) {
        switch (type) {
            case UINT8:
                return ((byte[]) data)[i] & 0xFF;
            case INT8:
                return ((byte[]) data)[i];
            case UINT16:
                return ((short[]) data)[i] & 0xFFFF;
            case INT16:
                return ((short[]) data)[i];
            case UINT32:
                return ((int[]) data)[i] & 0xFFFFFFFFL;
            case INT32:
                return ((int[]) data)[i];
            case INT64:
                return ((long[]) data)[i];
            case FLOAT32:
                return ((float[]) data)[i];
            default:
                return ((double[]) data)[i];
        }
    }

    /** The values as float32 (the array itself when already float32); unsigned types read as unsigned. */
    public float[] toFloatArray() {
        if (type == ElementType.FLOAT32) {
            return (float[]) data;
        }
        int n = size();
        float[] out = new float[n];
        switch (type) {
            case UINT8: {
                byte[] a = (byte[]) data;
                for (int i = 0; i < n; i++) {
                    out[i] = a[i] & 0xFF;
                }
                break;
            }
            case INT8: {
                byte[] a = (byte[]) data;
                for (int i = 0; i < n; i++) {
                    out[i] = a[i];
                }
                break;
            }
            case UINT16: {
                short[] a = (short[]) data;
                for (int i = 0; i < n; i++) {
                    out[i] = a[i] & 0xFFFF;
                }
                break;
            }
            case INT16: {
                short[] a = (short[]) data;
                for (int i = 0; i < n; i++) {
                    out[i] = a[i];
                }
                break;
            }
            case UINT32: {
                int[] a = (int[]) data;
                for (int i = 0; i < n; i++) {
                    out[i] = a[i] & 0xFFFFFFFFL;
                }
                break;
            }
            case INT32: {
                int[] a = (int[]) data;
                for (int i = 0; i < n; i++) {
                    out[i] = a[i];
                }
                break;
            }
            case INT64: {
                long[] a = (long[]) data;
                for (int i = 0; i < n; i++) {
                    out[i] = a[i];
                }
                break;
            }
            default: {
                double[] a = (double[]) data;
                for (int i = 0; i < n; i++) {
                    out[i] = (float) a[i];
                }
            }
        }
        return out;
    }

    /** The values as float64 (the array itself when already float64); unsigned types read as unsigned. */
    public double[] toDoubleArray() {
        if (type == ElementType.FLOAT64) {
            return (double[]) data;
        }
        int n = size();
        double[] out = new double[n];
        if (type == ElementType.FLOAT32) {
            float[] a = (float[]) data;
            for (int i = 0; i < n; i++) {
                out[i] = a[i];
            }
            return out;
        }
        long[] l = toLongArray();
        for (int i = 0; i < n; i++) {
            out[i] = l[i];
        }
        return out;
    }

    /**
     * The values as int64 (the array itself when already int64); unsigned types read as unsigned, floats truncated
     * toward zero.
     */
    public long[] toLongArray() {
        if (type == ElementType.INT64) {
            return (long[]) data;
        }
        int n = size();
        long[] out = new long[n];
        switch (type) {
            case UINT8: {
                byte[] a = (byte[]) data;
                for (int i = 0; i < n; i++) {
                    out[i] = a[i] & 0xFF;
                }
                break;
            }
            case INT8: {
                byte[] a = (byte[]) data;
                for (int i = 0; i < n; i++) {
                    out[i] = a[i];
                }
                break;
            }
            case UINT16: {
                short[] a = (short[]) data;
                for (int i = 0; i < n; i++) {
                    out[i] = a[i] & 0xFFFF;
                }
                break;
            }
            case INT16: {
                short[] a = (short[]) data;
                for (int i = 0; i < n; i++) {
                    out[i] = a[i];
                }
                break;
            }
            case UINT32: {
                int[] a = (int[]) data;
                for (int i = 0; i < n; i++) {
                    out[i] = a[i] & 0xFFFFFFFFL;
                }
                break;
            }
            case INT32: {
                int[] a = (int[]) data;
                for (int i = 0; i < n; i++) {
                    out[i] = a[i];
                }
                break;
            }
            case FLOAT32: {
                float[] a = (float[]) data;
                for (int i = 0; i < n; i++) {
                    out[i] = (long) a[i];
                }
                break;
            }
            default: {
                double[] a = (double[]) data;
                for (int i = 0; i < n; i++) {
                    out[i] = (long) a[i];
                }
            }
        }
        return out;
    }

    /** Label values as int32 (e.g. instance ids); values outside int range are an error, not wrapped. */
    public int[] toIntArray() {
        if (type == ElementType.INT32) {
            return (int[]) data;
        }
        long[] l = toLongArray();
        int[] out = new int[l.length];
        for (int i = 0; i < l.length; i++) {
            if (l[i] != (int) l[i]) {
                throw new ArithmeticException("value " + l[i] + " at index " + i + " does not fit in int32");
            }
            out[i] = (int) l[i];
        }
        return out;
    }

    /** {@code {min, max}} over all elements, NaN ignored; {@code {NaN, NaN}} when empty or all NaN. */
    public double[] minMax() {
        double min = Double.NaN, max = Double.NaN;
        if (type.floating()) {
            double[] d = toDoubleArray();
            for (double v : d) {
                if (!Double.isNaN(v) && !(v >= min)) {
                    min = v;
                }
                if (!Double.isNaN(v) && !(v <= max)) {
                    max = v;
                }
            }
        } else {
            long[] l = toLongArray();
            if (l.length > 0) {
                long lo = Long.MAX_VALUE, hi = Long.MIN_VALUE;
                for (long v : l) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
                min = lo;
                max = hi;
            }
        }
        return new double[] {min, max};
    }

    /**
     * A 3-D array with its axes reordered: output axis {@code i} is this array's axis {@code from[i]} (numpy's
     * {@code transpose(from)}), copied into a new array of the same type.
     */
    public NdData transpose3(int[] from) {
        if (shape.length != 3 || from.length != 3) {
            throw new IllegalArgumentException("transpose3 of " + this + " by " + Arrays.toString(from));
        }
        int[] out = {shape[from[0]], shape[from[1]], shape[from[2]]};
        int[] inStride = {shape[1] * shape[2], shape[2], 1};
        // the step in the source for one step along each output axis
        int s0 = inStride[from[0]], s1 = inStride[from[1]], s2 = inStride[from[2]];
        Object dst = Array.newInstance(data.getClass().getComponentType(), Array.getLength(data));
        int o = 0;
        for (int i = 0; i < out[0]; i++) {
            for (int j = 0; j < out[1]; j++) {
                int base = i * s0 + j * s1;
                for (int k = 0; k < out[2]; k++) {
                    System.arraycopy(data, base + k * s2, dst, o++, 1);
                }
            }
        }
        return new NdData(type, out, dst);
    }

    @Override
    public String toString() {
        return "NdData[" + type.numpyName() + " " + Arrays.toString(shape) + "]";
    }
}
