package org.cryosiam.inference;

import org.cryosiam.io.PlaneReader;
import org.cryosiam.volume.Volume;

/**
 * Whole-tomogram intensity preprocessing of the dense commands (spec/inference.md), written to give the same float32
 * values as the reference (cryosiam 1.0 with numpy 1.24, MONAI 1.3.2, torch on CPU). Every step works in place.
 *
 * <p>Where the reference mixes float64 and float32, the exact order of roundings is kept; each method says which.
 */
public final class Preprocessing {
    private Preprocessing() {
    }

    /** The intensity window and normalisation of a model: the YAML's {@code parameters.data.{min,max,mean,std}}. */
    public record Intensity(double min, double max, double mean, double std) {
    }

    /** {@code denoise_predict}: invert, percentile scaling (0.1 / 99.9), then {@link #standard}. */
    public static Volume denoise(Volume volume, Intensity intensity) {
        float[] x = volume.data();
        invert(x);
        percentileScale(x, 0.1, 99.9);
        rangeScaleAndNormalise(x, intensity);
        return volume;
    }

    /** Every other dense command: range scaling and normalisation only. */
    public static Volume standard(Volume volume, Intensity intensity) {
        rangeScaleAndNormalise(volume.data(), intensity);
        return volume;
    }

    /**
     * {@link #denoise(Volume, Intensity)} for a tomogram read plane by plane: the two percentiles come from passes
     * over the inverted planes first, then every plane read is preprocessed as the whole volume would be (each step
     * after the percentiles works voxel by voxel). Closing the result closes {@code tomogram}.
     */
    public static PlaneReader denoise(PlaneReader tomogram, Intensity intensity) {
        int[] s = tomogram.shape();
        float[] plane = new float[s[1] * s[2]];
        RadixSelect.Pieces inverted = v -> {
            for (int z = 0; z < s[0]; z++) {
                tomogram.read(z, plane);
                invert(plane);
                v.piece(plane, plane.length);
            }
        };
        double[] p = percentiles(inverted, (long) s[0] * plane.length, 0.1, 99.9);
        return transformed(tomogram, x -> {
            invert(x);
            scaleBetween(x, p[0], p[1]);
            rangeScaleAndNormalise(x, intensity);
        });
    }

    /** {@link #standard(Volume, Intensity)} applied to each plane as it is read. */
    public static PlaneReader standard(PlaneReader tomogram, Intensity intensity) {
        return transformed(tomogram, x -> rangeScaleAndNormalise(x, intensity));
    }

    private static PlaneReader transformed(PlaneReader in, java.util.function.Consumer<float[]> step) {
        return new PlaneReader() {
            @Override
            public int[] shape() {
                return in.shape();
            }

            @Override
            public void read(int z, float[] dst) {
                in.read(z, dst);
                step.accept(dst);
            }

            @Override
            public void close() {
                in.close();
            }
        };
    }

    /** cryosiam {@code InvertIntensity}: {@code x * -1} in float32, i.e. a negation. */
    public static void invert(float[] x) {
        for (int i = 0; i < x.length; i++) {
            x[i] = -x[i];
        }
    }

    /**
     * cryosiam {@code ScaleIntensity}: {@code lo, hi = np.percentile(x, lower), np.percentile(x, upper)};
     * {@code x = np.clip((x - lo) / (hi - lo), 0, 1)}.
     *
     * <p>numpy 1.24 returns the percentiles as float64 scalars; with a float32 array, value-based casting then turns
     * {@code x - lo} into a float32 subtraction of {@code (float) lo}, while {@code hi - lo} is a float64 subtraction
     * whose result is rounded to float32 for the float32 division. (Rounding {@code hi} and {@code lo} first differs
     * by 1 ulp on some inputs.)
     */
    public static void percentileScale(float[] x, double lowerQ, double upperQ) {
        double[] p = percentiles(x, lowerQ, upperQ);
        scaleBetween(x, p[0], p[1]);
    }

    /** The scaling of {@link #percentileScale} with its two percentiles already known. */
    private static void scaleBetween(float[] x, double lowerValue, double upperValue) {
        float lo = (float) lowerValue;
        float range = (float) (upperValue - lowerValue);
        for (int i = 0; i < x.length; i++) {
            x[i] = clip01((x[i] - lo) / range);
        }
    }

    /**
     * MONAI {@code ScaleIntensityRange(a_min=min, a_max=max, b_min=0, b_max=1, clip=True)} followed by
     * {@code NormalizeIntensity(subtrahend=mean, divisor=std)}, both on a float32 torch tensor on the CPU.
     *
     * <p>torch casts each Python-float operand to float32 before the float32 operation: {@code x - (float) min}, divided
     * by {@code (float) (max - min)} (the difference is taken in double by Python first); {@code * 1 + 0} (the
     * {@code b} window; only turns -0 into +0); clamp to [0, 1]; then {@code (x - (float) mean) / (float) std}.
     * MONAI's special cases are kept: {@code max == min} gives {@code x - min} unclipped, and {@code std == 0} divides by 1.
     */
    public static void rangeScaleAndNormalise(float[] x, Intensity p) {
        float min = (float) p.min();
        double window = p.max() - p.min();
        float range = (float) window;
        float mean = (float) p.mean();
        float std = p.std() == 0.0 ? 1f : (float) p.std();
        for (int i = 0; i < x.length; i++) {
            float v;
            if (window == 0.0) {
                v = x[i] - min + 0f;
            } else {
                v = clip01((x[i] - min) / range + 0f);
            }
            x[i] = (v - mean) / std;
        }
    }

    /**
     * {@code np.percentile(data, q)} for each q (in [0, 100]) with numpy 1.24's default {@code 'linear'} method, as
     * the float64 numbers numpy returns for a float32 array. Any NaN in the data gives NaN, as in numpy.
     *
     * <p>numpy: {@code i = (n - 1) * (q / 100)}; {@code a, b} = the order statistics {@code floor(i)} and
     * {@code floor(i) + 1} (both the maximum when {@code i >= n - 1}, where numpy's gamma becomes {@code i + 1});
     * {@code g = i - floor(i)}; {@code d = b - a} in <em>float32</em>; the result is {@code a + d * g} when
     * {@code g < 0.5}, else {@code b - d * (1 - g)}, both in float64.
     *
     * <p>O(n) without copying the data: all wanted order statistics come from one two-pass radix selection.
     */
    public static double[] percentiles(float[] data, double... q) {
        return percentiles(v -> v.piece(data, data.length), data.length, q);
    }

    private static double[] percentiles(RadixSelect.Pieces data, long n, double... q) {
        if (n == 0) {
            throw new IllegalArgumentException("percentile of an empty array");
        }
        double[] out = new double[q.length];
        for (double v : q) {
            if (!(v >= 0 && v <= 100)) {
                throw new IllegalArgumentException("percentile " + v + " outside [0, 100]");
            }
        }
        long[] ranks = new long[2 * q.length];
        double[] gamma = new double[q.length];
        for (int k = 0; k < q.length; k++) {
            double index = (n - 1) * (q[k] / 100.0);
            long lower;
            if (index >= n - 1) {
                lower = n - 1;
                ranks[2 * k + 1] = n - 1;
                gamma[k] = index + 1; // numpy computes gamma from its index -1 for "the last element"
            } else {
                lower = (long) Math.floor(index);
                ranks[2 * k + 1] = lower + 1;
                gamma[k] = index - lower;
            }
            ranks[2 * k] = lower;
        }
        float[] values = RadixSelect.select(data, n, ranks);
        if (values == null) { // a NaN in the data
            java.util.Arrays.fill(out, Double.NaN);
            return out;
        }
        for (int k = 0; k < q.length; k++) {
            float a = values[2 * k];
            float b = values[2 * k + 1];
            double d = b - a; // float32 subtraction, as numpy's subtract(b, a) on two float32 scalars
            double g = gamma[k];
            out[k] = g >= 0.5 ? b - d * (1 - g) : a + d * g;
        }
        return out;
    }

    /** {@link #percentiles} for one q. */
    public static double percentile(float[] data, double q) {
        return percentiles(data, q)[0];
    }

    /** {@code np.clip(v, 0, 1)} on float32: NaN stays NaN, -0 becomes +0 (numpy's {@code a > b ? a : b}). */
    private static float clip01(float v) {
        if (v != v) {
            return v;
        }
        float m = v > 0f ? v : 0f;
        return m < 1f ? m : 1f;
    }
}
