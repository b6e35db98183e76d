package org.cryosiam.io;

/**
 * A 3-D volume read one z-plane at a time as float32, so that a tomogram larger than memory can be worked through
 * in z order. Planes may be read in any order and more than once; one thread at a time.
 */
public interface PlaneReader extends AutoCloseable {
    /** {@code (nz, ny, nx)}. */
    int[] shape();

    /** Copies plane {@code z} ({@code ny·nx} values, x fastest) into {@code dst}. */
    void read(int z, float[] dst);

    @Override
    void close();

    /** A reader over a volume already in memory (x fastest, then y, then z). */
    static PlaneReader of(float[] data, int[] shape) {
        int plane = shape[1] * shape[2];
        return new PlaneReader() {
            @Override
            public int[] shape() {
                return shape.clone();
            }

            @Override
            public void read(int z, float[] dst) {
                System.arraycopy(data, z * plane, dst, 0, plane);
            }

            @Override
            public void close() {
            }
        };
    }
}
