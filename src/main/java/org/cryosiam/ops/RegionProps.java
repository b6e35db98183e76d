package org.cryosiam.ops;

import java.util.ArrayList;
import java.util.List;

/**
 * Region properties of a label volume, as {@code skimage.measure.regionprops_table(labels,
 * properties=['label', 'area', 'bbox', 'centroid'])} (scikit-image 0.19): one row per non-zero label present, in
 * increasing label order; {@code bbox} = (z0, y0, x0) inclusive, (z1, y1, x1) exclusive; {@code centroid} = the
 * mean voxel coordinate (z, y, x) — the exact coordinate sums divided by the area in double, which is what
 * numpy's mean of integer coordinates gives. Computed in one pass over the volume.
 */
public final class RegionProps {
    private RegionProps() {
    }

    /** One region. */
    public record Region(int label, long area, int z0, int y0, int x0, int z1, int y1, int x1,
                         double centroidZ, double centroidY, double centroidX) {
    }

    /** The regions of {@code labels} (labels must be ≥ 0), in increasing label order. */
    public static List<Region> of(int[] labels, int nz, int ny, int nx) {
        Slabs.size(labels.length, nz, ny, nx);
        int max = 0;
        for (int v : labels) {
            if (v < 0) {
                throw new IllegalArgumentException("negative label " + v);
            }
            max = Math.max(max, v);
        }
        long[] area = new long[max + 1];
        long[] sz = new long[max + 1], sy = new long[max + 1], sx = new long[max + 1];
        int[] z0 = new int[max + 1], y0 = new int[max + 1], x0 = new int[max + 1];
        int[] z1 = new int[max + 1], y1 = new int[max + 1], x1 = new int[max + 1];
        int i = 0;
        for (int z = 0; z < nz; z++) {
            for (int y = 0; y < ny; y++) {
                for (int x = 0; x < nx; x++, i++) {
                    int l = labels[i];
                    if (l == 0) {
                        continue;
                    }
                    if (area[l]++ == 0) {
                        z0[l] = z;
                        y0[l] = y;
                        x0[l] = x;
                        z1[l] = z;
                        y1[l] = y;
                        x1[l] = x;
                    } else {
                        // z only grows in raster order, so z0 is the first voxel's z
                        z1[l] = z;
                        if (y < y0[l]) y0[l] = y;
                        if (y > y1[l]) y1[l] = y;
                        if (x < x0[l]) x0[l] = x;
                        if (x > x1[l]) x1[l] = x;
                    }
                    sz[l] += z;
                    sy[l] += y;
                    sx[l] += x;
                }
            }
        }
        List<Region> out = new ArrayList<>();
        for (int l = 1; l <= max; l++) {
            long a = area[l];
            if (a == 0) {
                continue;
            }
            out.add(new Region(l, a, z0[l], y0[l], x0[l], z1[l] + 1, y1[l] + 1, x1[l] + 1,
                    (double) sz[l] / a, (double) sy[l] / a, (double) sx[l] / a));
        }
        return out;
    }
}
