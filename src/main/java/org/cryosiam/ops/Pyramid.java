package org.cryosiam.ops;

/**
 * {@code skimage.transform.pyramid_reduce} / {@code pyramid_expand} (scikit-image 0.19) of a 3-D float64
 * {@code (z, y, x)} volume with the defaults the reference uses ({@code order=1, mode='reflect'},
 * {@code sigma = 2·factor/6}, {@code preserve_range=True}):
 * <ul>
 *   <li>reduce: Gaussian smoothing (SciPy {@code mode='reflect'}, half-sample symmetric), then linear resampling to
 *       {@code ceil(n / f)} per axis;</li>
 *   <li>expand: linear resampling to {@code n·f} per axis, then the same Gaussian smoothing.</li>
 * </ul>
 * The resampling is {@code ndi.zoom(order=1, mode='mirror', grid_mode=True)} (skimage's {@code 'reflect'}):
 * output voxel {@code o} samples input coordinate {@code (o + 0.5)·in/out − 0.5}, indices beyond the border mirror
 * about the edge voxel; results are clipped to the input's range as {@code resize(clip=True)} does. The Gaussian is
 * accumulated in float64 in SciPy's order (centre weight first, then symmetric pairs from the outermost inwards),
 * so a window of exact ones gives exactly 1 — which decides what survives the reference's truncation to int.
 */
public final class Pyramid {
    private Pyramid() {
    }

    /** {@code ceil(n / factor)} per axis. */
    public static int[] reducedShape(int[] shape, int factor) {
        int[] out = new int[shape.length];
        for (int i = 0; i < shape.length; i++) {
            out[i] = (shape[i] + factor - 1) / factor;
        }
        return out;
    }

    /** {@code n · factor} per axis. */
    public static int[] expandedShape(int[] shape, int factor) {
        int[] out = new int[shape.length];
        for (int i = 0; i < shape.length; i++) {
            out[i] = Math.multiplyExact(shape[i], factor);
        }
        return out;
    }

    /** {@code pyramid_reduce(image, factor, preserve_range=True)}; returns the volume of {@link #reducedShape}. */
    public static double[] reduce(double[] in, int[] shape, int factor) {
        double sigma = 2.0 * factor / 6.0;
        double[] smoothed = gaussianReflect(in, shape, sigma);
        return resizeLinear(smoothed, shape, reducedShape(shape, factor));
    }

    /** {@code pyramid_expand(image, factor, preserve_range=True)}; returns the volume of {@link #expandedShape}. */
    public static double[] expand(double[] in, int[] shape, int factor) {
        double sigma = 2.0 * factor / 6.0;
        int[] big = expandedShape(shape, factor);
        return gaussianReflect(resizeLinear(in, shape, big), big, sigma);
    }

    /** SciPy {@code gaussian_filter(x, sigma, mode='reflect')} on float64 (same σ on every axis). */
    public static double[] gaussianReflect(double[] in, int[] shape, double sigma) {
        int nz = shape[0], ny = shape[1], nx = shape[2];
        Slabs.size(in.length, nz, ny, nx);
        double[] w = GaussianFilter.kernel(sigma);
        int r = w.length / 2;
        double[] h = new double[r + 1];
        for (int j = 0; j <= r; j++) {
            h[j] = w[r + j];
        }
        double[] a = in.clone();
        long[] strides = {(long) ny * nx, nx, 1};
        for (int axis = 0; axis < 3; axis++) {
            int len = shape[axis];
            long stride = strides[axis];
            int lines = a.length / len;
            final double[] src = a;
            final double[] dst = new double[a.length];
            final int ax = axis;
            Slabs.forEach(lines, len, line -> {
                long base = lineBase(line, ax, ny, nx);
                double[] ext = new double[len + 2 * r];
                for (int k = 0; k < ext.length; k++) {
                    ext[k] = src[(int) (base + reflect(k - r, len) * stride)];
                }
                for (int p = 0; p < len; p++) {
                    int c = p + r;
                    double acc = ext[c] * h[0];
                    for (int j = r; j >= 1; j--) {
                        acc += (ext[c - j] + ext[c + j]) * h[j];
                    }
                    dst[(int) (base + p * stride)] = acc;
                }
            });
            a = dst;
        }
        return a;
    }

    /** First voxel of line {@code line} along {@code axis}, lines numbered in C order of the other two axes. */
    private static long lineBase(int line, int axis, int ny, int nx) {
        switch (axis) {
            case 0:
                return line; // (y, x) plane index
            case 1:
                return (long) (line / nx) * ny * nx + line % nx;
            default:
                return (long) line * nx;
        }
    }

    /** SciPy 'reflect' (half-sample symmetric: d c b a | a b c d | d c b a). */
    static int reflect(int i, int n) {
        if (n == 1) {
            return 0;
        }
        int period = 2 * n;
        int m = Math.floorMod(i, period);
        return m < n ? m : period - 1 - m;
    }

    /** SciPy 'mirror' (whole-sample symmetric: d c b | a b c d | c b a). */
    static int mirror(int i, int n) {
        if (n == 1) {
            return 0;
        }
        int period = 2 * n - 2;
        int m = Math.floorMod(i, period);
        return m < n ? m : period - m;
    }

    /**
     * {@code skimage.transform.resize(x, to, order=1, mode='reflect', anti_aliasing=False)}: trilinear sampling at
     * {@code (o + 0.5)·in/out − 0.5}, mirrored indices, clipped to the input's range.
     */
    public static double[] resizeLinear(double[] in, int[] from, int[] to) {
        Slabs.size(in.length, from[0], from[1], from[2]);
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        for (double v : in) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        int[][] i0 = new int[3][], i1 = new int[3][];
        double[][] w1 = new double[3][];
        for (int a = 0; a < 3; a++) {
            int n = to[a];
            i0[a] = new int[n];
            i1[a] = new int[n];
            w1[a] = new double[n];
            double zoom = (double) from[a] / to[a];
            for (int o = 0; o < n; o++) {
                double c = (o + 0.5) * zoom - 0.5;
                double f = Math.floor(c);
                i0[a][o] = mirror((int) f, from[a]);
                i1[a][o] = mirror((int) f + 1, from[a]);
                w1[a][o] = c - f;
            }
        }
        double[] out = new double[to[0] * to[1] * to[2]];
        final double lo = min, hi = max;
        int fy = from[1], fx = from[2];
        Slabs.forEach(to[0], (long) to[1] * to[2], z -> {
            for (int y = 0; y < to[1]; y++) {
                for (int x = 0; x < to[2]; x++) {
                    double acc = 0;
                    for (int dz = 0; dz < 2; dz++) {
                        int iz = dz == 0 ? i0[0][z] : i1[0][z];
                        double wz = dz == 0 ? 1 - w1[0][z] : w1[0][z];
                        for (int dy = 0; dy < 2; dy++) {
                            int iy = dy == 0 ? i0[1][y] : i1[1][y];
                            double wy = dy == 0 ? 1 - w1[1][y] : w1[1][y];
                            for (int dx = 0; dx < 2; dx++) {
                                int ix = dx == 0 ? i0[2][x] : i1[2][x];
                                double wx = dx == 0 ? 1 - w1[2][x] : w1[2][x];
                                acc += wz * wy * wx * in[(iz * fy + iy) * fx + ix];
                            }
                        }
                    }
                    out[(z * to[1] + y) * to[2] + x] = Math.min(hi, Math.max(lo, acc));
                }
            }
        });
        return out;
    }
}
