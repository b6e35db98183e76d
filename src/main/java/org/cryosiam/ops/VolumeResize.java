package org.cryosiam.ops;

/**
 * Linear (order-1) resampling of a volume to another shape, following {@code skimage.transform.resize(order=1,
 * mode='constant', preserve_range=True)} of scikit-image 0.19: output voxel {@code o} samples input coordinate
 * {@code (o + 0.5)·in/out − 0.5} per axis (pixel centres aligned, as {@code ndi.zoom(grid_mode=True)}); when an axis
 * shrinks, the input is first smoothed with a Gaussian of σ = (in/out − 1)/2 (skimage's default anti-aliasing), zero
 * outside; results are clipped to the input's range. One deliberate simplification: samples that fall within half a
 * voxel outside the input take the border voxel's value rather than mixing with zero.
 */
public final class VolumeResize {
    private VolumeResize() {
    }

    /** Resamples {@code in} of shape {@code from} ({@code z, y, x}) to shape {@code to}. */
    public static float[] linear(float[] in, int[] from, int[] to) {
        float[] src = in;
        double[] sigma = new double[3];
        boolean smooth = false;
        for (int a = 0; a < 3; a++) {
            double factor = (double) from[a] / to[a];
            sigma[a] = Math.max(0, (factor - 1) / 2);
            smooth |= sigma[a] > 0;
        }
        if (smooth) {
            src = GaussianFilter.filter(in, from[0], from[1], from[2], sigma[0], sigma[1], sigma[2],
                    GaussianFilter.Mode.CONSTANT);
        }
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        for (float v : in) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        // separable: resample x, then y, then z
        float[] cur = src;
        int[] shape = from.clone();
        for (int axis = 2; axis >= 0; axis--) {
            if (shape[axis] != to[axis]) {
                cur = alongAxis(cur, shape, axis, to[axis]);
                shape[axis] = to[axis];
            }
        }
        for (int i = 0; i < cur.length; i++) {
            cur[i] = Math.min(hi, Math.max(lo, cur[i]));
        }
        return cur == in ? in.clone() : cur;
    }

    private static float[] alongAxis(float[] in, int[] shape, int axis, int outSize) {
        int n = shape[axis];
        int[] lower = new int[outSize];
        double[] weight = new double[outSize];
        double scale = (double) n / outSize;
        for (int o = 0; o < outSize; o++) {
            double c = Math.min(n - 1, Math.max(0, (o + 0.5) * scale - 0.5));
            lower[o] = Math.min((int) Math.floor(c), Math.max(0, n - 2));
            weight[o] = n == 1 ? 0 : c - lower[o];
        }
        long stride = 1;
        for (int a = 2; a > axis; a--) {
            stride *= shape[a];
        }
        long outer = 1;
        for (int a = 0; a < axis; a++) {
            outer *= shape[a];
        }
        int inner = (int) stride;
        float[] out = new float[Math.toIntExact(outer * outSize * stride)];
        for (long b = 0; b < outer; b++) {
            for (int o = 0; o < outSize; o++) {
                int i0 = lower[o];
                int i1 = Math.min(i0 + 1, n - 1);
                double w = weight[o];
                long src0 = (b * n + i0) * stride;
                long src1 = (b * n + i1) * stride;
                long dst = (b * outSize + o) * stride;
                for (int k = 0; k < inner; k++) {
                    out[(int) (dst + k)] = (float) ((1 - w) * in[(int) (src0 + k)] + w * in[(int) (src1 + k)]);
                }
            }
        }
        return out;
    }
}
