package org.cryosiam.train;

import java.util.List;
import java.util.Random;

import org.cryosiam.ops.GaussianFilter;
import org.cryosiam.ops.RigidTransform;

/**
 * The reference's per-sample training transforms, seeded, on a {@link Sample} whose image is already scaled to
 * [0, 1] (then {@link #normalize} applies {@code (x − mean)/std}):
 * <ol>
 * <li>one of {low-pass blur, high-pass sharpen, Gaussian noise, all three (when {@code combine_transforms}),
 * identity}, picked uniformly among those configured: blur = Gaussian with σ ∈ {@code low_pass_sigma_range};
 * sharpen = {@code G(σ1) − G(σ2)} with σ1 ∈ {@code high_pass_sigma_range}, σ2 ∈ {@code high_pass_sigma2_range};
 * noise = add {@code N(0, σ)}, σ ∈ {@code noise_sigma_range}, then rescale to [0, 1];</li>
 * <li>spatial transforms, each with probability 0.8 as in the reference, composed into one resampling of image
 * (trilinear), labels (nearest) and distances (trilinear) so that the same voxel moves in all three, output size =
 * patch size: 3-D elastic deformation ({@code elastic: [m0, m1]}, MONAI {@code Rand3DElasticd(sigma_range=(5, 10),
 * magnitude_range=elastic)}: per-voxel uniform [−1, 1] offsets in each axis, smoothed with a Gaussian of σ ∈
 * [5, 10] (zero-padded), times a magnitude ∈ [m0, m1] voxels; reflection at the border), then zoom about the patch
 * centre ({@code zoom: [min, max]}, one isotropic factor, MONAI {@code RandZoomd}: > 1 magnifies; zeros outside),
 * then rotation about the centre ({@code rotate: [a0, a1, a2]}: angles uniform in [−a, a] about the array axes 0
 * (z), 1 (y), 2 (x), MONAI {@code RandRotated(range_x=a0, range_y=a1, range_z=a2)} with its
 * {@code Rx·Ry·Rz} matrix mapping output to input coordinates; {@code padding_mode='zeros'});</li>
 * <li>random flips (probability 0.8 each) of x, y and z, applied to image, labels and distances alike;</li>
 * <li>random intensity scaling (probability 0.8): {@code x·(1 + f)}, {@code f ∈ [−s, s]} for
 * {@code scale_intensity_factors: s}.</li>
 * </ol>
 * Differences from the reference: it deforms only the image elastically (its labels and distances stay put) and
 * resamples labels bilinearly, zoom with {@code mode='area'}; here all three move together, labels by nearest
 * neighbour, and zoom is trilinear. Voxels mapped outside the patch by zoom or rotation become 0 (image, labels,
 * distances); inside, the edge voxel is not blended with that zero border as {@code grid_sample} does. The elastic
 * offsets are smoothed with a 4σ-truncated kernel (MONAI: 3σ). Gaussian
 * filtering repeats the edge voxel at the border (SciPy {@code mode='nearest'}; SciPy's default is
 * {@code 'reflect'}, which differs by at most half a voxel of blur near the border).
 */
public final class Augment {
    /** The {@code parameters.transforms} values that matter here (null/empty ranges = not used). */
    public record Spec(double[] lowPass, double[] highPass, double[] highPass2, double[] noise, boolean combine,
            boolean flip, Double scaleIntensity, double[] elastic, double[] zoom, double[] rotate) {
        /** Without spatial transforms (elastic, zoom, rotate). */
        public Spec(double[] lowPass, double[] highPass, double[] highPass2, double[] noise, boolean combine,
                boolean flip, Double scaleIntensity) {
            this(lowPass, highPass, highPass2, noise, combine, flip, scaleIntensity, null, null, null);
        }

        public static Spec none() {
            return new Spec(null, null, null, null, false, false, null);
        }
    }

    /** Probability of each of elastic deformation, zoom and rotation (the reference's {@code prob=0.8}). */
    static final double SPATIAL_PROB = 0.8;
    /** {@code Rand3DElasticd(sigma_range=(5, 10))} of the reference. */
    static final double[] ELASTIC_SIGMA = {5, 10};

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
        float[] displacement = null;
        double zoom = 1;
        double[] angles = null;
        if (spec.elastic() != null && r.nextDouble() < SPATIAL_PROB) {
            double magnitude = uniform(r, spec.elastic());
            double sigma = uniform(r, ELASTIC_SIGMA);
            displacement = elasticField(nz, ny, nx, sigma, magnitude, r);
        }
        if (spec.zoom() != null && r.nextDouble() < SPATIAL_PROB) {
            zoom = uniform(r, spec.zoom());
        }
        if (spec.rotate() != null && r.nextDouble() < SPATIAL_PROB) {
            angles = new double[3];
            for (int a = 0; a < 3; a++) {
                double m = Math.abs(spec.rotate()[a]);
                angles[a] = uniform(r, new double[] {-m, m});
            }
        }
        if (displacement != null || zoom != 1 || angles != null) {
            Sample t = spatial(new Sample(s.name(), img, labels, dist, s.channels(), nz, ny, nx), displacement,
                    zoom, angles);
            img = t.image();
            labels = t.labels();
            dist = t.distances();
        }
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

    /**
     * MONAI {@code Rand3DElastic}'s offsets: {@code 3 × nz × ny × nx} (axis 0, 1, 2 displacement in voxels) uniform
     * in [−1, 1], Gaussian-smoothed (zeros outside), times {@code magnitude}.
     */
    static float[] elasticField(int nz, int ny, int nx, double sigma, double magnitude, Random r) {
        int n = nz * ny * nx;
        float[] out = new float[3 * n];
        for (int a = 0; a < 3; a++) {
            float[] noise = new float[n];
            for (int i = 0; i < n; i++) {
                noise[i] = (float) (r.nextDouble() * 2 - 1);
            }
            float[] sm = GaussianFilter.filter(noise, nz, ny, nx, sigma, sigma, sigma, GaussianFilter.Mode.CONSTANT);
            for (int i = 0; i < n; i++) {
                out[a * n + i] = (float) (sm[i] * magnitude);
            }
        }
        return out;
    }

    /**
     * MONAI {@code create_rotate(3, (a0, a1, a2))} = {@code Rx(a0)·Ry(a1)·Rz(a2)} in array-axis order (Rx turns the
     * axis 1–2 plane, i.e. about axis 0 = z here).
     */
    static double[][] rotation(double[] angles) {
        double c0 = Math.cos(angles[0]), s0 = Math.sin(angles[0]);
        double c1 = Math.cos(angles[1]), s1 = Math.sin(angles[1]);
        double c2 = Math.cos(angles[2]), s2 = Math.sin(angles[2]);
        double[][] rx = {{1, 0, 0}, {0, c0, -s0}, {0, s0, c0}};
        double[][] ry = {{c1, 0, s1}, {0, 1, 0}, {-s1, 0, c1}};
        double[][] rz = {{c2, -s2, 0}, {s2, c2, 0}, {0, 0, 1}};
        return RigidTransform.multiply(RigidTransform.multiply(rx, ry), rz);
    }

    /**
     * The composed spatial transform (the hook the random draws feed; tests force parameters through it): output
     * voxel {@code p} takes the input at {@code q + d(q)}, {@code q = c + R(p − c)/zoom}, {@code c} the patch centre
     * {@code (n − 1)/2}, {@code R} = {@link #rotation}(angles) (identity when null), {@code d} the elastic offsets
     * (none when null) interpolated at {@code q}. {@code q} outside the patch (beyond half a voxel) gives 0; the
     * displaced point is reflected back into the patch. Image and distances trilinear, labels nearest.
     */
    static Sample spatial(Sample s, float[] displacement, double zoom, double[] angles) {
        int nz = s.nz(), ny = s.ny(), nx = s.nx(), n = nz * ny * nx, ch = s.channels();
        double[][] m = angles == null ? new double[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}} : rotation(angles);
        double cz = (nz - 1) / 2.0, cy = (ny - 1) / 2.0, cx = (nx - 1) / 2.0;
        float[] img = s.image(), dist = s.distances();
        int[] lab = s.labels();
        float[] oImg = new float[n];
        float[] oDist = new float[dist.length];
        int[] oLab = new int[n];
        java.util.stream.IntStream.range(0, nz).parallel().forEach(z -> {
            for (int y = 0; y < ny; y++) {
                for (int x = 0; x < nx; x++) {
                    int o = (z * ny + y) * nx + x;
                    double dz = z - cz, dy = y - cy, dx = x - cx;
                    double qz = cz + (m[0][0] * dz + m[0][1] * dy + m[0][2] * dx) / zoom;
                    double qy = cy + (m[1][0] * dz + m[1][1] * dy + m[1][2] * dx) / zoom;
                    double qx = cx + (m[2][0] * dz + m[2][1] * dy + m[2][2] * dx) / zoom;
                    if (!(inside(qz, nz) && inside(qy, ny) && inside(qx, nx))) {
                        continue; // zeros
                    }
                    if (displacement != null) {
                        double ez = interp(displacement, 0, nz, ny, nx, qz, qy, qx);
                        double ey = interp(displacement, n, nz, ny, nx, qz, qy, qx);
                        double ex = interp(displacement, 2 * n, nz, ny, nx, qz, qy, qx);
                        qz = reflect(qz + ez, nz);
                        qy = reflect(qy + ey, ny);
                        qx = reflect(qx + ex, nx);
                    }
                    oLab[o] = lab[(near(qz, nz) * ny + near(qy, ny)) * nx + near(qx, nx)];
                    oImg[o] = (float) interp(img, 0, nz, ny, nx, qz, qy, qx);
                    for (int c = 0; c < ch; c++) {
                        oDist[c * n + o] = (float) interp(dist, c * n, nz, ny, nx, qz, qy, qx);
                    }
                }
            }
        });
        return new Sample(s.name(), oImg, oLab, oDist, ch, nz, ny, nx);
    }

    private static boolean inside(double q, int size) {
        return q >= -0.5 && q <= size - 0.5;
    }

    /** Reflects {@code q} into [−0.5, size − 0.5] (grid_sample's reflection padding, align_corners=False). */
    static double reflect(double q, int size) {
        double period = 2.0 * size;
        double t = (q + 0.5) % period;
        if (t < 0) {
            t += period;
        }
        if (t > size) {
            t = period - t;
        }
        return t - 0.5;
    }

    private static int near(double q, int size) {
        return (int) Math.max(0, Math.min(size - 1, Math.rint(q)));
    }

    /** Trilinear interpolation of the {@code nz × ny × nx} block at {@code off}, coordinates clamped to the block. */
    static double interp(float[] v, int off, int nz, int ny, int nx, double z, double y, double x) {
        z = Math.max(0, Math.min(nz - 1, z));
        y = Math.max(0, Math.min(ny - 1, y));
        x = Math.max(0, Math.min(nx - 1, x));
        int z0 = (int) z, y0 = (int) y, x0 = (int) x;
        double tz = z - z0, ty = y - y0, tx = x - x0;
        int z1 = Math.min(z0 + 1, nz - 1), y1 = Math.min(y0 + 1, ny - 1), x1 = Math.min(x0 + 1, nx - 1);
        int p00 = off + (z0 * ny + y0) * nx, p01 = off + (z0 * ny + y1) * nx;
        int p10 = off + (z1 * ny + y0) * nx, p11 = off + (z1 * ny + y1) * nx;
        double c00 = v[p00 + x0] * (1 - tx) + v[p00 + x1] * tx;
        double c01 = v[p01 + x0] * (1 - tx) + v[p01 + x1] * tx;
        double c10 = v[p10 + x0] * (1 - tx) + v[p10 + x1] * tx;
        double c11 = v[p11 + x0] * (1 - tx) + v[p11 + x1] * tx;
        return (c00 * (1 - ty) + c01 * ty) * (1 - tz) + (c10 * (1 - ty) + c11 * ty) * tz;
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
