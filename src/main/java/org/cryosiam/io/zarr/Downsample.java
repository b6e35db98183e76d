package org.cryosiam.io.zarr;

import org.cryosiam.io.ElementType;
import org.cryosiam.io.NdData;

/**
 * Halving a {@code (z, y, x)} volume for the next pyramid level: each output voxel covers a 2×2×2 block (fewer at an
 * odd edge; sizes round up). Intensities take the block's mean, label maps its most frequent value (ties to the
 * smallest: a label is never invented by averaging).
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
        int n = oz * oy * ox;
        ElementType t = v.type();
        boolean floating = t.floating();
        double[] means = floating || !mode ? new double[n] : null;
        long[] modes = mode && !floating ? new long[n] : null;
        double[] d = floating ? v.toDoubleArray() : null;
        long[] l = floating ? null : v.toLongArray();
        long[] block = new long[8];
        double[] fblock = new double[8];
        for (int z = 0; z < oz; z++) {
            for (int y = 0; y < oy; y++) {
                for (int x = 0; x < ox; x++) {
                    int k = 0;
                    for (int dz = 2 * z; dz < Math.min(2 * z + 2, nz); dz++) {
                        for (int dy = 2 * y; dy < Math.min(2 * y + 2, ny); dy++) {
                            for (int dx = 2 * x; dx < Math.min(2 * x + 2, nx); dx++) {
                                int i = (dz * ny + dy) * nx + dx;
                                if (floating) {
                                    fblock[k] = d[i];
                                } else {
                                    block[k] = l[i];
                                }
                                k++;
                            }
                        }
                    }
                    int o = (z * oy + y) * ox + x;
                    if (modes != null) {
                        modes[o] = mostFrequent(block, k);
                    } else if (floating && mode) {
                        means[o] = mostFrequent(fblock, k);
                    } else {
                        double sum = 0;
                        for (int i = 0; i < k; i++) {
                            sum += floating ? fblock[i] : block[i];
                        }
                        means[o] = floating ? sum / k : Math.rint(sum / k);
                    }
                }
            }
        }
        return modes != null ? cast(t, null, modes, oz, oy, ox) : cast(t, means, null, oz, oy, ox);
    }

    private static long mostFrequent(long[] a, int k) {
        long best = a[0];
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

    private static double mostFrequent(double[] a, int k) {
        long[] bits = new long[k];
        for (int i = 0; i < k; i++) {
            bits[i] = Double.doubleToLongBits(a[i]);
        }
        double best = a[0];
        int bestCount = 0;
        for (int i = 0; i < k; i++) {
            int c = 0;
            for (int j = 0; j < k; j++) {
                c += bits[j] == bits[i] ? 1 : 0;
            }
            if (c > bestCount || (c == bestCount && a[i] < best)) {
                best = a[i];
                bestCount = c;
            }
        }
        return best;
    }

    /** Values back into the element type (integers were rounded already and stay within the input's range). */
    private static NdData cast(ElementType t, double[] d, long[] l, int... shape) {
        int n = d != null ? d.length : l.length;
        Object out = t.newArray(n);
        for (int i = 0; i < n; i++) {
            double v = d != null ? d[i] : l[i];
            long lv = d != null ? (long) d[i] : l[i];
            switch (t) {
                case UINT8, INT8 -> ((byte[]) out)[i] = (byte) lv;
                case UINT16, INT16 -> ((short[]) out)[i] = (short) lv;
                case UINT32, INT32 -> ((int[]) out)[i] = (int) lv;
                case INT64 -> ((long[]) out)[i] = lv;
                case FLOAT32 -> ((float[]) out)[i] = (float) v;
                default -> ((double[]) out)[i] = v;
            }
        }
        return new NdData(t, shape, out);
    }
}
