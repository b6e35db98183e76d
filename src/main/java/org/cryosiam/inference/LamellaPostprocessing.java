package org.cryosiam.inference;

import org.cryosiam.ops.ConnectedComponents;
import org.cryosiam.ops.ConvexHull;
import org.cryosiam.ops.GaussianFilter;
import org.cryosiam.ops.Pyramid;

/**
 * The lamella model's post-processing ({@code parameters.network.postprocessing: true} in {@code semantic_predict}):
 * the largest smoothed component of the probability map, then convex hulls per z-slice or in 3-D. Mirrors the
 * reference's {@code get_largest_cc} and the hull code of {@code dense_simsiam_semantic/predict.py}.
 */
public final class LamellaPostprocessing {
    /** σ of the smoothing, (z, y, x). */
    static final double[] SIGMA = {10, 5, 5};

    private LamellaPostprocessing() {
    }

    /**
     * {@code label(gaussian(probs, σ=(10, 5, 5), mode='constant') > threshold)} (26-connectivity), keeping the
     * component with the most voxels (ties: the lowest label). The Gaussian runs in float32 as scikit-image does on a
     * float32 map, and the comparison is made in float32 as numpy does against a Python float.
     *
     * <p>When nothing exceeds the threshold the result is empty. (The reference's {@code argmax} of the bincount then
     * picks label 0 — the whole background — and hulls every slice to a full lamella; that is a bug, not copied.)
     *
     * @return a 0/1 mask of the component
     */
    public static byte[] largestComponent(float[] probs, int nz, int ny, int nx, double threshold) {
        float[] smooth = GaussianFilter.filter(probs, nz, ny, nx, SIGMA[0], SIGMA[1], SIGMA[2],
                GaussianFilter.Mode.CONSTANT);
        float t = (float) threshold;
        byte[] fg = new byte[smooth.length];
        for (int i = 0; i < smooth.length; i++) {
            fg[i] = smooth[i] > t ? (byte) 1 : 0;
        }
        int[] labels = ConnectedComponents.label(fg, nz, ny, nx, 26);
        int n = ConnectedComponents.count(labels);
        byte[] out = new byte[labels.length];
        if (n == 0) {
            return out;
        }
        long[] sizes = new long[n + 1];
        for (int l : labels) {
            sizes[l]++;
        }
        int best = 1;
        for (int l = 2; l <= n; l++) {
            if (sizes[l] > sizes[best]) {
                best = l;
            }
        }
        for (int i = 0; i < labels.length; i++) {
            out[i] = labels[i] == best ? (byte) 1 : 0;
        }
        return out;
    }

    /**
     * For every z-slice where {@code component} has voxels, replaces that slice of {@code labels} by the slice's 2-D
     * convex hull image; other slices keep their labels (as the reference, and the fixtures, do).
     */
    public static void sliceHulls(byte[] component, byte[] labels, int nz, int ny, int nx) {
        int plane = ny * nx;
        java.util.stream.IntStream.range(0, nz).parallel().forEach(z -> {
            byte[] slice = new byte[plane];
            System.arraycopy(component, z * plane, slice, 0, plane);
            boolean any = false;
            for (byte b : slice) {
                if (b != 0) {
                    any = true;
                    break;
                }
            }
            if (!any) {
                return;
            }
            byte[] hull = ConvexHull.image2d(slice, ny, nx);
            System.arraycopy(hull, 0, labels, z * plane, plane);
        });
    }

    /**
     * The 3-D variant: {@code pyramid_reduce(component, 4, preserve_range=True)}, the 3-D convex hull image of its
     * non-zero voxels, {@code pyramid_expand(hull, 4, preserve_range=True)} cropped to the volume and truncated to
     * int (so only voxels whose expanded value reaches 1 stay).
     *
     * @return the new labels, 0/1
     */
    public static byte[] hull3d(byte[] component, int nz, int ny, int nx) {
        double[] in = new double[component.length];
        for (int i = 0; i < in.length; i++) {
            in[i] = component[i];
        }
        int[] shape = {nz, ny, nx};
        int[] small = Pyramid.reducedShape(shape, 4);
        double[] reduced = Pyramid.reduce(in, shape, 4);
        byte[] nonZero = new byte[reduced.length];
        for (int i = 0; i < reduced.length; i++) {
            nonZero[i] = reduced[i] != 0 ? (byte) 1 : 0;
        }
        byte[] hull = ConvexHull.image3d(nonZero, small[0], small[1], small[2]);
        double[] h = new double[hull.length];
        for (int i = 0; i < h.length; i++) {
            h[i] = hull[i];
        }
        int[] big = Pyramid.expandedShape(small, 4);
        double[] expanded = Pyramid.expand(h, small, 4);
        byte[] out = new byte[component.length];
        for (int z = 0; z < nz; z++) {
            for (int y = 0; y < ny; y++) {
                int src = (z * big[1] + y) * big[2];
                int dst = (z * ny + y) * nx;
                for (int x = 0; x < nx; x++) {
                    out[dst + x] = (byte) (long) expanded[src + x];
                }
            }
        }
        return out;
    }
}
