package org.cryosiam.ops;

/**
 * Gaussian smoothing of a float32 {@code (z, y, x)} volume with SciPy's {@code ndimage.gaussian_filter} semantics
 * (SciPy 1.10, {@code order=0}, {@code truncate=4.0}), as the reference calls it on float32 input:
 * <ul>
 *   <li>separable: one 1-D correlation per axis, in axis order z, y, x; an axis with σ ≤ 1e-15 is skipped;</li>
 *   <li>kernel radius {@code int(4σ + 0.5)}, weights {@code exp(-0.5/σ² · x²)} normalised by their numpy
 *       (pairwise) sum, in float64;</li>
 *   <li>each output voxel is accumulated in float64 exactly as SciPy's symmetric-kernel loop does
 *       ({@code w0·c}, then {@code (l + r)·w_j} from the outermost pair inwards) and rounded to float32 after
 *       every axis, because SciPy writes each pass into the float32 output array;</li>
 *   <li>borders: {@link Mode#NEAREST} repeats the edge voxel, {@link Mode#CONSTANT} reads 0 outside.</li>
 * </ul>
 * Results equal SciPy's up to the last bit of {@code exp}: numpy's float64 exp is CPU dependent (its AVX-512
 * path differs from glibc by an ulp at times); {@link StrictMath#exp} is used so results do not depend on the JVM.
 */
public final class GaussianFilter {
    private GaussianFilter() {
    }

    /** How the volume is extended beyond its borders. */
    public enum Mode {
        /** SciPy {@code mode='nearest'}: the edge value repeats. */
        NEAREST,
        /** SciPy {@code mode='constant', cval=0}: zeros outside. */
        CONSTANT
    }

    /** SciPy's {@code _gaussian_kernel1d(sigma, 0, int(4*sigma + 0.5))}: 2r+1 normalised weights. */
    public static double[] kernel(double sigma) {
        int r = (int) (4.0 * sigma + 0.5);
        double[] w = new double[2 * r + 1];
        double c = -0.5 / (sigma * sigma);
        for (int i = 0; i < w.length; i++) {
            double x = i - r;
            w[i] = StrictMath.exp(c * (x * x));
        }
        double sum = pairwiseSum(w, 0, w.length);
        for (int i = 0; i < w.length; i++) {
            w[i] /= sum;
        }
        return w;
    }

    /** numpy's pairwise summation of a contiguous float64 array (blocks of 8, split above 128). */
    static double pairwiseSum(double[] a, int off, int n) {
        if (n < 8) {
            double res = 0.0;
            for (int i = 0; i < n; i++) {
                res += a[off + i];
            }
            return res;
        } else if (n <= 128) {
            double[] r = new double[8];
            System.arraycopy(a, off, r, 0, 8);
            int i;
            for (i = 8; i < n - (n % 8); i += 8) {
                for (int j = 0; j < 8; j++) {
                    r[j] += a[off + i + j];
                }
            }
            double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
            for (; i < n; i++) {
                res += a[off + i];
            }
            return res;
        } else {
            int n2 = n / 2;
            n2 -= n2 % 8;
            return pairwiseSum(a, off, n2) + pairwiseSum(a, off + n2, n - n2);
        }
    }

    /**
     * Smooths {@code in} (not modified) with per-axis σ and returns a new array.
     */
    public static float[] filter(float[] in, int nz, int ny, int nx, double sigmaZ, double sigmaY, double sigmaX,
                                 Mode mode) {
        Slabs.size(in.length, nz, ny, nx);
        float[] out = in.clone();
        if (sigmaZ > 1e-15) {
            alongOuter(rows(out), nz, ny, nx, true, half(kernel(sigmaZ)), mode);
        }
        if (sigmaY > 1e-15) {
            alongOuter(rows(out), nz, ny, nx, false, half(kernel(sigmaY)), mode);
        }
        if (sigmaX > 1e-15) {
            alongX(rows(out), nz, ny, nx, half(kernel(sigmaX)), mode);
        }
        return out;
    }

    /** The centre and one side of a symmetric kernel: h[0] = centre, h[j] = weight at distance j. */
    private static double[] half(double[] w) {
        int r = w.length / 2;
        double[] h = new double[r + 1];
        for (int j = 0; j <= r; j++) {
            h[j] = w[r + j];
        }
        return h;
    }

    /**
     * {@link #filter(float[], int, int, int, double, double, double, Mode)} for a float64 volume, as SciPy runs it on
     * float64 input (e.g. on a distance transform): the same float64 accumulation, but each pass is stored as
     * float64, without rounding to float32. Returns a new array; {@code in} is not modified.
     */
    public static double[] filter(double[] in, int nz, int ny, int nx, double sigmaZ, double sigmaY, double sigmaX,
                                  Mode mode) {
        Slabs.size(in.length, nz, ny, nx);
        double[] out = in.clone();
        if (sigmaZ > 1e-15) {
            alongOuter(rows(out), nz, ny, nx, true, half(kernel(sigmaZ)), mode);
        }
        if (sigmaY > 1e-15) {
            alongOuter(rows(out), nz, ny, nx, false, half(kernel(sigmaY)), mode);
        }
        if (sigmaX > 1e-15) {
            alongX(rows(out), nz, ny, nx, half(kernel(sigmaX)), mode);
        }
        return out;
    }

    /**
     * Row access to the volume being filtered, so that one implementation serves float32 (each pass rounded to
     * float32, as SciPy stores a float32 output) and float64 volumes. Rows, not voxels, cross this interface.
     */
    private interface Rows {
        /** Copies {@code n} voxels from {@code src} into {@code dst[off..]} as float64. */
        void load(long src, double[] dst, int off, int n);

        /** Stores {@code n} values of {@code src[off..]} at {@code dst}, in the volume's own precision. */
        void store(double[] src, int off, long dst, int n);
    }

    private static Rows rows(float[] a) {
        return new Rows() {
            @Override
            public void load(long src, double[] dst, int off, int n) {
                for (int i = 0; i < n; i++) {
                    dst[off + i] = a[(int) src + i];
                }
            }

            @Override
            public void store(double[] src, int off, long dst, int n) {
                for (int i = 0; i < n; i++) {
                    a[(int) dst + i] = (float) src[off + i];
                }
            }
        };
    }

    private static Rows rows(double[] a) {
        return new Rows() {
            @Override
            public void load(long src, double[] dst, int off, int n) {
                System.arraycopy(a, (int) src, dst, off, n);
            }

            @Override
            public void store(double[] src, int off, long dst, int n) {
                System.arraycopy(src, off, a, (int) dst, n);
            }
        };
    }

    /** Correlation along x, in place, one line at a time (lines in parallel). */
    private static void alongX(Rows a, int nz, int ny, int nx, double[] h, Mode mode) {
        int r = h.length - 1;
        int lines = nz * ny;
        Slabs.forChunks(lines, nx, (lo, hi) -> {
            double[] ext = new double[nx + 2 * r];
            double[] out = new double[nx];
            for (int line = lo; line < hi; line++) {
                long base = (long) line * nx;
                a.load(base, ext, r, nx);
                for (int k = 0; k < r; k++) {
                    ext[k] = mode == Mode.NEAREST ? ext[r] : 0.0;
                    ext[r + nx + k] = mode == Mode.NEAREST ? ext[r + nx - 1] : 0.0;
                }
                for (int x = 0; x < nx; x++) {
                    int c = x + r;
                    double acc = ext[c] * h[0];
                    for (int j = r; j >= 1; j--) {
                        acc += (ext[c - j] + ext[c + j]) * h[j];
                    }
                    out[x] = acc;
                }
                a.store(out, 0, base, nx);
            }
        });
    }

    /**
     * Correlation along z (alongZ) or y, in place. Works on whole x-rows at once so memory is read contiguously;
     * each voxel still sees the same float64 operations in the same order as SciPy's line loop.
     */
    private static void alongOuter(Rows a, int nz, int ny, int nx, boolean alongZ, double[] h, Mode mode) {
        int r = h.length - 1;
        int len = alongZ ? nz : ny;          // axis being filtered
        int outer = alongZ ? ny : nz;        // independent index
        long stride = alongZ ? (long) ny * nx : nx;
        Slabs.forChunks(outer, (long) len * nx, (lo, hi) -> {
            double[] buf = new double[(len + 2 * r) * nx];
            double[] acc = new double[nx];
            for (int o = lo; o < hi; o++) {
                long base = alongZ ? (long) o * nx : (long) o * ny * nx;
                for (int k = 0; k < len + 2 * r; k++) {
                    int p = k - r;
                    int row = k * nx;
                    if (p < 0 || p >= len) {
                        if (mode == Mode.NEAREST) {
                            a.load(base + (p < 0 ? 0 : len - 1) * stride, buf, row, nx);
                        } else {
                            java.util.Arrays.fill(buf, row, row + nx, 0.0);
                        }
                    } else {
                        a.load(base + p * stride, buf, row, nx);
                    }
                }
                for (int p = 0; p < len; p++) {
                    int c = (p + r) * nx;
                    double w0 = h[0];
                    for (int x = 0; x < nx; x++) {
                        acc[x] = buf[c + x] * w0;
                    }
                    for (int j = r; j >= 1; j--) {
                        int lft = c - j * nx, rgt = c + j * nx;
                        double wj = h[j];
                        for (int x = 0; x < nx; x++) {
                            acc[x] += (buf[lft + x] + buf[rgt + x]) * wj;
                        }
                    }
                    a.store(acc, 0, base + p * stride, nx);
                }
            }
        });
    }

}
