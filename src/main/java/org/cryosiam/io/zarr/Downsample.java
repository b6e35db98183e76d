package org.cryosiam.io.zarr;

import org.cryosiam.io.ElementType;
import org.cryosiam.io.NdData;

/**
 * Halving a {@code (z, y, x)} volume for the next pyramid level: each output voxel covers a 2×2×2 block (fewer at an
 * odd edge; sizes round up). Intensities take the block's mean, label maps its most frequent value (ties to the
 * smallest: a label is never invented by averaging). Values pass through float64, exact for every label below 2^53.
 */
public final class Downsample {
    private Downsample() {
    }

    /** The default: mode for integer types (label maps, masks), mean for floats. */
    public static boolean modeByDefault(ElementType type) {
        return !type.floating();
    }

    /** The level below {@code v} (3-D), of the same type; {@code mode} picks mode over mean. */
    public static NdData halve(NdData v, boolean mode) {
        int[] s = v.shape();
        if (s.length != 3) {
            throw new IllegalArgumentException("halving needs (z, y, x), got " + v);
        }
        int nz = s[0], ny = s[1], nx = s[2];
        int oz = (nz + 1) / 2, oy = (ny + 1) / 2, ox = (nx + 1) / 2;
        double[] in = v.toDoubleArray();
        double[] out = new double[oz * oy * ox];
        double[] block = new double[8];
        boolean integers = !v.type().floating();
        for (int z = 0; z < oz; z++) {
            for (int y = 0; y < oy; y++) {
                for (int x = 0; x < ox; x++) {
                    int k = 0;
                    for (int dz = 2 * z; dz < Math.min(2 * z + 2, nz); dz++) {
                        for (int dy = 2 * y; dy < Math.min(2 * y + 2, ny); dy++) {
                            for (int dx = 2 * x; dx < Math.min(2 * x + 2, nx); dx++) {
                                block[k++] = in[(dz * ny + dy) * nx + dx];
                            }
                        }
                    }
                    double r = mode ? mostFrequent(block, k) : mean(block, k);
                    out[(z * oy + y) * ox + x] = integers ? Math.rint(r) : r;
                }
            }
        }
        return cast(v.type(), out, oz, oy, ox);
    }

    private static double mean(double[] a, int k) {
        double sum = 0;
        for (int i = 0; i < k; i++) {
            sum += a[i];
        }
        return sum / k;
    }

    private static double mostFrequent(double[] a, int k) {
        double best = a[0];
        int bestCount = 0;
        for (int i = 0; i < k; i++) {
            int c = 0;
            for (int j = 0; j < k; j++) {
                c += a[j] == a[i] ? 1 : 0;
            }
            if (c > bestCount || (c == bestCount && a[i] < best)) {
                best = a[i];
                bestCount = c;
            }
        }
        return best;
    }

    /** Values back into the element type (integers are whole and within the input's range already). */
    private static NdData cast(ElementType t, double[] d, int... shape) {
        int n = d.length;
        Object out = t.newArray(n);
        for (int i = 0; i < n; i++) {
            long l = (long) d[i];
            switch (t) {
                case UINT8, INT8 -> ((byte[]) out)[i] = (byte) l;
                case UINT16, INT16 -> ((short[]) out)[i] = (short) l;
                case UINT32, INT32 -> ((int[]) out)[i] = (int) l;
                case INT64 -> ((long[]) out)[i] = l;
                case FLOAT32 -> ((float[]) out)[i] = (float) d[i];
                default -> ((double[]) out)[i] = d[i];
            }
        }
        return new NdData(t, shape, out);
    }
}
