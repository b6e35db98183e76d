package org.cryosiam.io;

/**
 * Element types of n-D arrays in our files, named as numpy names them. Each maps to one Java primitive array:
 * {@code byte[]} for (u)int8, {@code short[]} for (u)int16, {@code int[]} for (u)int32, {@code long[]} for int64,
 * {@code float[]} for float32, {@code double[]} for float64. Unsigned values live in the signed Java type of the same
 * width (read them with {@code & 0xFF} etc. or through {@link NdData}'s conversions).
 */
public enum ElementType {
    UINT8("uint8", 1, false, false),
    INT8("int8", 1, true, false),
    UINT16("uint16", 2, false, false),
    INT16("int16", 2, true, false),
    UINT32("uint32", 4, false, false),
    INT32("int32", 4, true, false),
    INT64("int64", 8, true, false),
    FLOAT32("float32", 4, true, true),
    FLOAT64("float64", 8, true, true);

    private final String numpyName;
    private final int bytes;
    private final boolean signed;
    private final boolean floating;

    ElementType(String numpyName, int bytes, boolean signed, boolean floating) {
        this.numpyName = numpyName;
        this.bytes = bytes;
        this.signed = signed;
        this.floating = floating;
    }

    /** The numpy dtype name ({@code uint8}, {@code float32}, …). */
    public String numpyName() {
        return numpyName;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    public boolean signed() {
        return signed;
    }

    public boolean floating() {
        return floating;
    }

    /** The Java primitive array class that holds elements of this type. */
    public Class<?> arrayClass() {
        switch (this) {
            case UINT8:
            case INT8:
                return byte[].class;
            case UINT16:
            case INT16:
                return short[].class;
            case UINT32:
            case INT32:
                return int[].class;
            case INT64:
                return long[].class;
            case FLOAT32:
                return float[].class;
            default:
                return double[].class;
        }
    }

    /** A zeroed primitive array of this type with {@code n} elements. */
    public Object newArray(int n) {
        switch (this) {
            case UINT8:
            case INT8:
                return new byte[n];
            case UINT16:
            case INT16:
                return new short[n];
            case UINT32:
            case INT32:
                return new int[n];
            case INT64:
                return new long[n];
            case FLOAT32:
                return new float[n];
            default:
                return new double[n];
        }
    }
}
