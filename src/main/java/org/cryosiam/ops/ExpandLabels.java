package org.cryosiam.ops;

/**
 * {@code skimage.segmentation.expand_labels(labels, distance)} (scikit-image 0.19): every background voxel whose
 * Euclidean distance to the nearest labelled voxel is ≤ {@code distance} takes that voxel's label; labelled voxels
 * keep theirs. As in skimage, "nearest" is SciPy's feature transform of {@code labels == 0}
 * ({@link DistanceTransform#featureTransform}), so among equidistant labelled voxels the same one wins as in
 * skimage; the distance test is {@code sqrt(d²) <= distance} in float64.
 */
public final class ExpandLabels {
    private ExpandLabels() {
    }

    public static int[] expand(int[] labels, int nz, int ny, int nx, double distance) {
        int n = Slabs.size(labels.length, nz, ny, nx);
        byte[] background = new byte[n];
        boolean any = false;
        for (int i = 0; i < n; i++) {
            if (labels[i] == 0) {
                background[i] = 1;
            } else {
                any = true;
            }
        }
        int[] out = new int[n];
        if (!any) {
            return out; // skimage: the feature transform points to (-1,-1,-1), whose label is 0
        }
        int[] ft = DistanceTransform.featureTransform(background, nz, ny, nx);
        int plane = ny * nx;
        Slabs.forEach(nz, plane, z -> {
            int i = z * plane;
            for (int y = 0; y < ny; y++) {
                for (int x = 0; x < nx; x++, i++) {
                    int s = ft[i];
                    long dz = s / plane - z, dy = (s / nx) % ny - y, dx = s % nx - x;
                    if (Math.sqrt((double) (dz * dz + dy * dy + dx * dx)) <= distance) {
                        out[i] = labels[s];
                    }
                }
            }
        });
        return out;
    }
}
