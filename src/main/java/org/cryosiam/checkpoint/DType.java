package org.cryosiam.checkpoint;

/** Element types of checkpoint tensors, with their PyTorch storage names and sizes in bytes. */
public enum DType {
    FLOAT32("FloatStorage", 4),
    FLOAT64("DoubleStorage", 8),
    FLOAT16("HalfStorage", 2),
    BFLOAT16("BFloat16Storage", 2),
    INT64("LongStorage", 8),
    INT32("IntStorage", 4),
    INT16("ShortStorage", 2),
    INT8("CharStorage", 1),
    UINT8("ByteStorage", 1),
    BOOL("BoolStorage", 1);

    private final String storageName;
    private final int size;

    DType(String storageName, int size) {
        this.storageName = storageName;
        this.size = size;
    }

    /** The class name of the PyTorch typed storage ({@code torch.FloatStorage} → {@code FloatStorage}). */
    public String storageName() {
        return storageName;
    }

    public int size() {
        return size;
    }

    public boolean isFloating() {
        return this == FLOAT32 || this == FLOAT64 || this == FLOAT16 || this == BFLOAT16;
    }

    /** The dtype of a storage class name, or null when unknown. */
    public static DType ofStorage(String name) {
        for (DType d : values()) {
            if (d.storageName.equals(name)) {
                return d;
            }
        }
        return null;
    }
}
