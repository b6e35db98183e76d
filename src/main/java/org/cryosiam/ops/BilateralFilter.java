package org.cryosiam.ops;

/**
 * Edge-preserving smoothing (Tomasi &amp; Manduchi, "Bilateral filtering for gray and color images", ICCV 1998) with
 * the semantics of ITK's {@code BilateralImageFilter}, which cryosiam 1.0 calls as
 * {@code itk.bilateral_image_filter(image, DomainSigma=σd, RangeSigma=σr)} on a float32 array (unit spacing):
 * <ul>
 *   <li>domain kernel: the Gaussian {@code exp(−|o|²/(2σd²))} on the box of radius {@code ceil(2.5 σd)} per axis,
 *       each value rounded to float32 (ITK builds it as a float image), then divided by their sum;</li>
 *   <li>range weight: a table of {@code exp(−v²/(2σr²))} at {@code v = i·δ}, {@code i = 0..99},
 *       {@code δ = 4σr/100}; a neighbour counts only when {@code |p − c| < 4σr}, with the entry
 *       {@code floor(|p − c|·100/(4σr))} (constant factors cancel in the normalisation);</li>
 *   <li>{@code out = Σ p·k·r / Σ k·r} in double, rounded to float32; outside the volume the nearest border voxel
 *       is repeated (ITK's zero-flux Neumann condition).</li>
 * </ul>
 * ITK reference: {@code Modules/Filtering/ImageFeature/include/itkBilateralImageFilter.hxx}.
 */
public final class BilateralFilter {
    /** ITK's {@code NumberOfRangeGaussianSamples}. */
    private static final int RANGE_SAMPLES = 100;
    /** ITK's {@code DomainMu}: kernel radius in domain sigmas. */
    private static final double DOMAIN_MU = 2.5;
    /** ITK's {@code RangeMu}: intensity differences of this many range sigmas or more are ignored. */
    private static final double RANGE_MU = 4.0;

    private BilateralFilter() {
    }

    /** The filter at every voxel. */
    public static float[] filter(float[] in, int nz, int ny, int nx, double domainSigma, double rangeSigma) {
        return filter(in, nz, ny, nx, domainSigma, rangeSigma, null);
    }

    /**
     * The filter at the voxels where {@code where} is non-zero ({@code null}: everywhere); elsewhere the output
     * keeps the input value. The filtered values do not depend on {@code where}: callers that read the result at
     * a few voxels only (the multicut reads it on region boundaries) skip the rest of the work.
     */
    public static float[] filter(float[] in, int nz, int ny, int nx, double domainSigma, double rangeSigma,
                                 byte[] where) {
        int n = Slabs.size(in.length, nz, ny, nx);
        if (where != null) {
            Slabs.size(where.length, nz, ny, nx);
        }
        if (!(domainSigma > 0) || !(rangeSigma > 0)) {
            throw new IllegalArgumentException("sigmas must be positive, got " + domainSigma + ", " + rangeSigma);
        }
        int r = (int) Math.ceil(DOMAIN_MU * domainSigma);
        int side = 2 * r + 1;
        int k = side * side * side;
        int[] oz = new int[k];
        int[] oy = new int[k];
        int[] ox = new int[k];
        double[] kernel = new double[k];
        double prefix = Math.pow(domainSigma * Math.sqrt(2 * Math.PI), 3); // GaussianImageSource, normalised
        double sum = 0;
        for (int z = -r, i = 0; z <= r; z++) {
            for (int y = -r; y <= r; y++) {
                for (int x = -r; x <= r; x++, i++) {
                    oz[i] = z;
                    oy[i] = y;
                    ox[i] = x;
                    double e = (z * z + y * y + x * x) / (2 * domainSigma * domainSigma);
                    kernel[i] = (float) (Math.exp(-e) / prefix);
                    sum += kernel[i];
                }
            }
        }
        for (int i = 0; i < k; i++) {
            kernel[i] /= sum;
        }
        double rangeUsed = RANGE_MU * rangeSigma;
        double delta = rangeUsed / RANGE_SAMPLES;
        double toIndex = RANGE_SAMPLES / rangeUsed;
        // a last entry of 0 for differences of 4σr or more, so the loops below need no branch; ITK skips those
        // neighbours (and at a difference just below 4σr whose index rounds up to 100 it reads past its table)
        double[] table = new double[RANGE_SAMPLES + 1];
        double v = 0; // accumulated like ITK's loop, so the sample points match to the last bit
        for (int i = 0; i < RANGE_SAMPLES; i++, v += delta) {
            table[i] = Math.exp(-0.5 * v * v / (rangeSigma * rangeSigma));
        }
        int plane = ny * nx;
        int[] flat = new int[k];
        for (int i = 0; i < k; i++) {
            flat[i] = oz[i] * plane + oy[i] * nx + ox[i];
        }
        float[] out = where == null ? new float[n] : in.clone();
        Slabs.forEach(nz, (long) plane * k, z -> {
            for (int y = 0; y < ny; y++) {
                int row = z * plane + y * nx;
                boolean rowInside = z >= r && z < nz - r && y >= r && y < ny - r;
                for (int x = 0; x < nx; x++) {
                    int c = row + x;
                    if (where != null && where[c] == 0) {
                        continue;
                    }
                    out[c] = (float) (rowInside && x >= r && x < nx - r
                            ? interior(in, c, flat, kernel, table, toIndex)
                            : border(in, z, y, x, nz, ny, nx, oz, oy, ox, kernel, table, toIndex));
                }
            }
        });
        return out;
    }

    /** The filter at a voxel whose whole neighbourhood lies inside (a small method, so the JIT compiles it fully). */
    private static double interior(float[] in, int c, int[] flat, double[] kernel, double[] table, double toIndex) {
        double centre = in[c];
        int last = table.length - 1;
        double val = 0;
        double norm = 0;
        for (int i = 0; i < flat.length; i++) {
            double p = in[c + flat[i]];
            double w = kernel[i] * table[Math.min((int) (Math.abs(p - centre) * toIndex), last)];
            norm += w;
            val += p * w;
        }
        return val / norm;
    }

    /** The filter at a voxel near the border: coordinates clamped to the volume. */
    private static double border(float[] in, int z, int y, int x, int nz, int ny, int nx, int[] oz, int[] oy,
                                 int[] ox, double[] kernel, double[] table, double toIndex) {
        double centre = in[(z * ny + y) * nx + x];
        int last = table.length - 1;
        double val = 0;
        double norm = 0;
        for (int i = 0; i < kernel.length; i++) {
            int zz = Math.min(Math.max(z + oz[i], 0), nz - 1);
            int yy = Math.min(Math.max(y + oy[i], 0), ny - 1);
            int xx = Math.min(Math.max(x + ox[i], 0), nx - 1);
            double p = in[(zz * ny + yy) * nx + xx];
            double w = kernel[i] * table[Math.min((int) (Math.abs(p - centre) * toIndex), last)];
            norm += w;
            val += p * w;
        }
        return val / norm;
    }
}
