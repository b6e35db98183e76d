package org.cryosiam.train;

import java.util.List;
import java.util.Random;

import org.cryosiam.ops.GaussianFilter;

/**
 * The reference's per-sample training transforms, seeded, on a {@link Sample} whose image is already scaled to
 * [0, 1] (then {@link #normalize} applies {@code (x − mean)/std}):
 * <ol>
 * <li>one of {low-pass blur, high-pass sharpen, Gaussian noise, all three (when {@code combine_transforms}),
 * identity}, picked uniformly among those configured: blur = Gaussian with σ ∈ {@code low_pass_sigma_range};
 * sharpen = {@code G(σ1) − G(σ2)} with σ1 ∈ {@code high_pass_sigma_range}, σ2 ∈ {@code high_pass_sigma2_range};
 * noise = add {@code N(0, σ)}, σ ∈ {@code noise_sigma_range}, then rescale to [0, 1];</li>
 * <li>random flips (probability 0.8 each) of x, y and z, applied to image, labels and distances alike;</li>
 * <li>random intensity scaling (probability 0.8): {@code x·(1 + f)}, {@code f ∈ [−s, s]} for
 * {@code scale_intensity_factors: s}.</li>
 * </ol>
 * Elastic deformation, zoom and rotation of the reference are not applied yet (see the command's help). Gaussian
 * filtering repeats the edge voxel at the border (SciPy {@code mode='nearest'}; SciPy's default is
 * {@code 'reflect'}, which differs by at most half a voxel of blur near the border).
 */
public final class Augment {
    /** The {@code parameters.transforms} values that matter here (null/empty ranges = not used). */
    public record Spec(double[] lowPass, double[] highPass, double[] highPass2, double[] noise, boolean combine,
            boolean flip, Double scaleIntensity) {
        public static Spec none() {
            return new Spec(null, null, null, null, false, false, null);
        }
    }

    private Augment() {
    }

    public static Sample apply(Sample s, Spec spec, Random r) {
        float[] img = s.image().clone();
        int nz = s.nz(), ny = s.ny(), nx = s.nx();
        List<Integer> choices = new java.util.ArrayList<>();
        if (spec.lowPass() != null) {
            choices.add(0);
        }
        if (spec.highPass() != null) {
            choices.add(1);
        }
        if (spec.noise() != null) {
            choices.add(2);
        }
        if (spec.combine()) {
            choices.add(3);
        }
        choices.add(4);
        int pick = choices.get(r.nextInt(choices.size()));
        if (pick == 0 || pick == 3) {
            img = lowPass(img, nz, ny, nx, uniform(r, spec.lowPass()));
        }
        if (pick == 1 || pick == 3) {
            img = highPass(img, nz, ny, nx, uniform(r, spec.highPass()), uniform(r, spec.highPass2()));
        }
        if (pick == 2 || pick == 3) {
            img = noise(img, uniform(r, spec.noise()), r);
        }
        int[] labels = s.labels().clone();
        float[] dist = s.distances().clone();
        if (spec.flip()) {
            for (int axis = 2; axis >= 0; axis--) { // x, y, z as the reference's spatial_axis -1, -2, -3
                if (r.nextDouble() < 0.8) {
                    img = flip(img, 1, nz, ny, nx, axis);
                    labels = flip(labels, nz, ny, nx, axis);
                    dist = flip(dist, s.channels(), nz, ny, nx, axis);
                }
            }
        }
        if (spec.scaleIntensity() != null && r.nextDouble() < 0.8) {
            double f = spec.scaleIntensity();
            float factor = (float) (1 + (r.nextDouble() * 2 - 1) * f);
            for (int i = 0; i < img.length; i++) {
                img[i] *= factor;
            }
        }
        return new Sample(s.name(), img, labels, dist, s.channels(), nz, ny, nx);
    }

    static double uniform(Random r, double[] range) {
        return range[0] + (range[1] - range[0]) * r.nextDouble();
    }

    static float[] lowPass(float[] img, int nz, int ny, int nx, double sigma) {
        return GaussianFilter.filter(img, nz, ny, nx, sigma, sigma, sigma, GaussianFilter.Mode.NEAREST);
    }

    static float[] highPass(float[] img, int nz, int ny, int nx, double s1, double s2) {
        float[] a = lowPass(img, nz, ny, nx, s1);
        float[] b = lowPass(img, nz, ny, nx, s2);
        for (int i = 0; i < a.length; i++) {
            a[i] -= b[i];
        }
        return a;
    }

    static float[] noise(float[] img, double sigma, Random r) {
        float[] out = new float[img.length];
        float min = Float.POSITIVE_INFINITY, max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < img.length; i++) {
            out[i] = img[i] + (float) (r.nextGaussian() * sigma);
            min = Math.min(min, out[i]);
            max = Math.max(max, out[i]);
        }
        float range = max - min;
        for (int i = 0; i < out.length; i++) {
            out[i] = range > 0 ? (out[i] - min) / range : 0f;
        }
        return out;
    }

    /** Reverses one spatial axis (0 = z, 1 = y, 2 = x) of a {@code channels × nz × ny × nx} array. */
    static float[] flip(float[] a, int channels, int nz, int ny, int nx, int axis) {
        float[] out = new float[a.length];
        int n = nz * ny * nx;
        for (int c = 0; c < channels; c++) {
            for (int z = 0; z < nz; z++) {
                for (int y = 0; y < ny; y++) {
                    for (int x = 0; x < nx; x++) {
                        int sz = axis == 0 ? nz - 1 - z : z;
                        int sy = axis == 1 ? ny - 1 - y : y;
                        int sx = axis == 2 ? nx - 1 - x : x;
                        out[c * n + (z * ny + y) * nx + x] = a[c * n + (sz * ny + sy) * nx + sx];
                    }
                }
            }
        }
        return out;
    }

    static int[] flip(int[] a, int nz, int ny, int nx, int axis) {
        int[] out = new int[a.length];
        for (int z = 0; z < nz; z++) {
            for (int y = 0; y < ny; y++) {
                for (int x = 0; x < nx; x++) {
                    int sz = axis == 0 ? nz - 1 - z : z;
                    int sy = axis == 1 ? ny - 1 - y : y;
                    int sx = axis == 2 ? nx - 1 - x : x;
                    out[(z * ny + y) * nx + x] = a[(sz * ny + sy) * nx + sx];
                }
            }
        }
        return out;
    }

    /** {@code NormalizeIntensity(subtrahend=mean, divisor=std)}, in place. */
    static void normalize(float[] img, double mean, double std) {
        for (int i = 0; i < img.length; i++) {
            img[i] = (float) ((img[i] - mean) / std);
        }
    }
}
