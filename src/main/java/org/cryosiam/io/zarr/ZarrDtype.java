package org.cryosiam.io.zarr;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import org.cryosiam.io.ElementType;

/**
 * How a Zarr array stores one element (kind, width, byte order) and the {@link ElementType} we decode it into.
 * float16 is widened to float32 on reading (Java has no half type before 20); bool is read as uint8.
 *
 * @param type     the in-memory type
 * @param order    the stored byte order
 * @param half     whether the stored element is IEEE binary16
 * @param itemSize stored bytes per element
 */
record ZarrDtype(ElementType type, ByteOrder order, boolean half, int itemSize) {

    /** The little-endian Zarr type of an in-memory type, as we write it. */
    static ZarrDtype of(ElementType type) {
        return new ZarrDtype(type, ByteOrder.LITTLE_ENDIAN, false, type.bytes());
    }

    /**
     * A Zarr v2 {@code dtype} string ({@code <f4}, {@code |u1}, {@code >i2}); null when it is not one we read (the
     * caller names the array in its error).
     */
    static ZarrDtype v2(String typestr) {
        if (typestr == null || typestr.length() < 3) {
            return null;
        }
        char endian = typestr.charAt(0);
        ByteOrder order = endian == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        if (endian != '<' && endian != '>' && endian != '|' && endian != '=') {
            return null;
        }
        return kind(typestr.substring(1), order);
    }

    /** A Zarr v3 {@code data_type} name ({@code float32}, {@code uint8}, …) with the {@code bytes} codec's order. */
    static ZarrDtype v3(String name, ByteOrder order) {
        String code = switch (String.valueOf(name)) {
            case "bool" -> "b1";
            case "int8" -> "i1";
            case "uint8" -> "u1";
            case "int16" -> "i2";
            case "uint16" -> "u2";
            case "int32" -> "i4";
            case "uint32" -> "u4";
            case "int64" -> "i8";
            case "float16" -> "f2";
            case "float32" -> "f4";
            case "float64" -> "f8";
            default -> "";
        };
        return kind(code, order);
    }

    private static ZarrDtype kind(String code, ByteOrder order) {
        switch (code) {
            case "b1":
            case "u1":
                return new ZarrDtype(ElementType.UINT8, order, false, 1);
            case "i1":
                return new ZarrDtype(ElementType.INT8, order, false, 1);
            case "u2":
                return new ZarrDtype(ElementType.UINT16, order, false, 2);
            case "i2":
                return new ZarrDtype(ElementType.INT16, order, false, 2);
            case "u4":
                return new ZarrDtype(ElementType.UINT32, order, false, 4);
            case "i4":
                return new ZarrDtype(ElementType.INT32, order, false, 4);
            case "i8":
                return new ZarrDtype(ElementType.INT64, order, false, 8);
            case "f2":
                return new ZarrDtype(ElementType.FLOAT32, order, true, 2);
            case "f4":
                return new ZarrDtype(ElementType.FLOAT32, order, false, 4);
            case "f8":
                return new ZarrDtype(ElementType.FLOAT64, order, false, 8);
            default:
                return null;
        }
    }

    /** The v2 {@code dtype} string, e.g. {@code <f4} ({@code |} for single bytes, as numpy writes them). */
    String v2Name() {
        String kind = half ? "f" : type.floating() ? "f" : type.signed() ? "i" : "u";
        if (itemSize == 1) {
            return "|" + kind + "1";
        }
        return (order == ByteOrder.BIG_ENDIAN ? ">" : "<") + kind + itemSize;
    }

    /** The v3 {@code data_type} name. */
    String v3Name() {
        return half ? "float16" : type.numpyName();
    }

    /** Decodes {@code n} stored elements from {@code src} at byte {@code offset} into {@code dst[at ..]}. */
    void decode(byte[] src, int offset, Object dst, int at, int n) {
        ByteBuffer b = ByteBuffer.wrap(src, offset, n * itemSize).slice().order(order);
        if (half) {
            float[] f = (float[]) dst;
            for (int i = 0; i < n; i++) {
                f[at + i] = halfToFloat(b.getShort(2 * i));
            }
            return;
        }
        switch (type) {
            case UINT8, INT8 -> b.get((byte[]) dst, at, n);
            case UINT16, INT16 -> b.asShortBuffer().get((short[]) dst, at, n);
            case UINT32, INT32 -> b.asIntBuffer().get((int[]) dst, at, n);
            case INT64 -> b.asLongBuffer().get((long[]) dst, at, n);
            case FLOAT32 -> b.asFloatBuffer().get((float[]) dst, at, n);
            default -> b.asDoubleBuffer().get((double[]) dst, at, n);
        }
    }

    /** Encodes {@code src[at .. at+n)} into {@code dst} at byte {@code offset} (never half: we write full types). */
    void encode(Object src, int at, int n, byte[] dst, int offset) {
        ByteBuffer b = ByteBuffer.wrap(dst, offset, n * itemSize).slice().order(order);
        switch (type) {
            case UINT8, INT8 -> b.put((byte[]) src, at, n);
            case UINT16, INT16 -> b.asShortBuffer().put((short[]) src, at, n);
            case UINT32, INT32 -> b.asIntBuffer().put((int[]) src, at, n);
            case INT64 -> b.asLongBuffer().put((long[]) src, at, n);
            case FLOAT32 -> b.asFloatBuffer().put((float[]) src, at, n);
            default -> b.asDoubleBuffer().put((double[]) src, at, n);
        }
    }

    /** Sets {@code dst[from .. to)} to the fill value (a Long for integer types, a Double for floats). */
    void fill(Object dst, int from, int to, Number value) {
        switch (type) {
            case UINT8, INT8 -> Arrays.fill((byte[]) dst, from, to, value.byteValue());
            case UINT16, INT16 -> Arrays.fill((short[]) dst, from, to, value.shortValue());
            case UINT32, INT32 -> Arrays.fill((int[]) dst, from, to, (int) value.longValue());
            case INT64 -> Arrays.fill((long[]) dst, from, to, value.longValue());
            case FLOAT32 -> Arrays.fill((float[]) dst, from, to, value.floatValue());
            default -> Arrays.fill((double[]) dst, from, to, value.doubleValue());
        }
    }

    /** IEEE binary16 to float, by scaling the significand (exact for every half value). */
    static float halfToFloat(short bits) {
        int e = (bits >>> 10) & 0x1F;
        int m = bits & 0x3FF;
        float magnitude = e == 0x1F ? (m == 0 ? Float.POSITIVE_INFINITY : Float.NaN)
                : e == 0 ? Math.scalb((float) m, -24) : Math.scalb((float) (m | 0x400), e - 25);
        return (bits & 0x8000) != 0 ? -magnitude : magnitude;
    }
}
