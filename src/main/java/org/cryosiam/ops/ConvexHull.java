package org.cryosiam.ops;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code skimage.morphology.convex_hull_image(image)} (scikit-image 0.19, {@code offset_coordinates=True}) for
 * 2-D slices and 3-D volumes — the reference calls it on lamella slices and on cropped instance masks.
 *
 * <p>Each foreground pixel/voxel contributes the midpoints of its faces, i.e. its centre offset by ±0.5 along one
 * axis at a time (skimage's "diamond": 4 points in 2-D, 6 in 3-D — not the square's corners). The result marks
 * every pixel/voxel whose centre lies inside or on the convex hull of those points (skimage: {@code
 * grid_points_in_poly} counts vertices and edges as inside; in 3-D the facet test has tolerance 1e-10, i.e. on the
 * facet counts as inside). All geometry here is exact: coordinates are doubled to integers and tested with long
 * arithmetic.
 *
 * <p>Degenerate input: an empty image gives an empty hull (skimage warns). In 3-D skimage first takes the hull of
 * the voxel centres; when those are fewer than 4 or coplanar, Qhull fails and skimage returns an empty image —
 * reproduced here. (In 2-D the diamonds never degenerate.)
 */
public final class ConvexHull {
    private ConvexHull() {
    }

    /** Convex hull image of a 2-D mask of {@code ny × nx} pixels (row-major). */
    public static byte[] image2d(byte[] mask, int ny, int nx) {
        Slabs.size(mask.length, 1, ny, nx);
        byte[] out = new byte[mask.length];
        // row extremes suffice: every pixel's diamond lies in the hull of its row's first and last diamonds
        List<long[]> pts = new ArrayList<>();
        for (int y = 0; y < ny; y++) {
            int first = -1, last = -1;
            for (int x = 0; x < nx; x++) {
                if (mask[y * nx + x] != 0) {
                    if (first < 0) {
                        first = x;
                    }
                    last = x;
                }
            }
            if (first < 0) {
                continue;
            }
            for (int x : first == last ? new int[] {first} : new int[] {first, last}) {
                long r = 2L * y, c = 2L * x;
                pts.add(new long[] {r - 1, c});
                pts.add(new long[] {r + 1, c});
                pts.add(new long[] {r, c - 1});
                pts.add(new long[] {r, c + 1});
            }
        }
        if (pts.isEmpty()) {
            return out;
        }
        long[][] hull = hull2d(pts);
        int h = hull.length;
        for (int y = 0; y < ny; y++) {
            long rr = 2L * y;
            long lo = Long.MIN_VALUE, hi = Long.MAX_VALUE; // bounds on doubled column C = 2c
            boolean empty = false;
            for (int e = 0; e < h && !empty; e++) {
                long[] p = hull[e], q = hull[(e + 1) % h];
                long dR = q[0] - p[0], dC = q[1] - p[1];
                // inside (left of p->q, CCW): dR*(C - pC) - dC*(R - pR) >= 0
                long k = dC * (rr - p[0]) + dR * p[1]; // need dR*C >= k
                if (dR > 0) {
                    lo = Math.max(lo, ceilDiv(k, 2 * dR));
                } else if (dR < 0) {
                    hi = Math.min(hi, Math.floorDiv(-k, -2 * dR));
                } else if (k > 0) {
                    empty = true;
                }
            }
            if (empty) {
                continue;
            }
            long from = Math.max(lo, 0), to = Math.min(hi, nx - 1);
            for (long c = from; c <= to; c++) {
                out[(int) (y * (long) nx + c)] = 1;
            }
        }
        return out;
    }

    private static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }

    /** Andrew's monotone chain; counter-clockwise in (row, col), collinear points dropped. */
    private static long[][] hull2d(List<long[]> pts) {
        pts.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        int n = pts.size();
        long[][] h = new long[2 * n][];
        int k = 0;
        for (int i = 0; i < n; i++) {
            while (k >= 2 && cross(h[k - 2], h[k - 1], pts.get(i)) <= 0) {
                k--;
            }
            h[k++] = pts.get(i);
        }
        for (int i = n - 2, t = k + 1; i >= 0; i--) {
            while (k >= t && cross(h[k - 2], h[k - 1], pts.get(i)) <= 0) {
                k--;
            }
            h[k++] = pts.get(i);
        }
        long[][] out = new long[k - 1][];
        System.arraycopy(h, 0, out, 0, k - 1);
        return out;
    }

    private static long cross(long[] o, long[] a, long[] b) {
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
    }

    /** Convex hull image of a 3-D {@code (z, y, x)} mask. */
    public static byte[] image3d(byte[] mask, int nz, int ny, int nx) {
        Slabs.size(mask.length, nz, ny, nx);
        byte[] out = new byte[mask.length];
        // candidate voxel centres (doubled): the first and last voxel of every x-row
        List<long[]> centres = new ArrayList<>();
        for (int z = 0; z < nz; z++) {
            for (int y = 0; y < ny; y++) {
                int row = (z * ny + y) * nx;
                int first = -1, last = -1;
                for (int x = 0; x < nx; x++) {
                    if (mask[row + x] != 0) {
                        if (first < 0) {
                            first = x;
                        }
                        last = x;
                    }
                }
                if (first >= 0) {
                    centres.add(new long[] {2L * z, 2L * y, 2L * first});
                    if (last != first) {
                        centres.add(new long[] {2L * z, 2L * y, 2L * last});
                    }
                }
            }
        }
        List<long[]> hull0 = hull3dVertices(centres);
        if (hull0 == null) {
            return out; // empty, or centres coplanar: Qhull fails, skimage returns an empty image
        }
        List<long[]> diamonds = new ArrayList<>();
        for (long[] p : hull0) {
            for (int axis = 0; axis < 3; axis++) {
                for (int s = -1; s <= 1; s += 2) {
                    long[] q = p.clone();
                    q[axis] += s;
                    diamonds.add(q);
                }
            }
        }
        List<long[]> planes = hull3dPlanes(diamonds); // {nz, ny, nx, d}: inside iff n·p <= d
        for (int z = 0; z < nz; z++) {
            for (int y = 0; y < ny; y++) {
                long lo = Long.MIN_VALUE, hi = Long.MAX_VALUE; // bounds on x (not doubled)
                boolean empty = false;
                for (long[] pl : planes) {
                    long k = pl[3] - pl[0] * 2L * z - pl[1] * 2L * y; // need pl[2] * 2x <= k
                    long a = 2 * pl[2];
                    if (a > 0) {
                        hi = Math.min(hi, Math.floorDiv(k, a));
                    } else if (a < 0) {
                        lo = Math.max(lo, ceilDiv(-k, -a));
                    } else if (k < 0) {
                        empty = true;
                        break;
                    }
                }
                if (empty) {
                    continue;
                }
                long from = Math.max(lo, 0), to = Math.min(hi, nx - 1);
                int row = (z * ny + y) * nx;
                for (long x = from; x <= to; x++) {
                    out[row + (int) x] = 1;
                }
            }
        }
        return out;
    }

    private static long orient(long[] a, long[] b, long[] c, long[] p) {
        long bx = b[0] - a[0], by = b[1] - a[1], bz = b[2] - a[2];
        long cx = c[0] - a[0], cy = c[1] - a[1], cz = c[2] - a[2];
        long px = p[0] - a[0], py = p[1] - a[1], pz = p[2] - a[2];
        long nx = by * cz - bz * cy, ny = bz * cx - bx * cz, nz = bx * cy - by * cx;
        return nx * px + ny * py + nz * pz;
    }

    /** Faces of the 3-D hull as index triples oriented outward (orient(face, p) > 0 means p is outside). */
    private static List<int[]> hull3d(List<long[]> pts) {
        int n = pts.size();
        if (n < 4) {
            return null;
        }
        long[] p0 = pts.get(0);
        int i1 = -1, i2 = -1, i3 = -1;
        for (int i = 1; i < n && i1 < 0; i++) {
            if (!java.util.Arrays.equals(pts.get(i), p0)) {
                i1 = i;
            }
        }
        if (i1 < 0) {
            return null;
        }
        for (int i = 1; i < n && i2 < 0; i++) {
            long[] d1 = sub(pts.get(i1), p0), d2 = sub(pts.get(i), p0);
            long cx = d1[1] * d2[2] - d1[2] * d2[1], cy = d1[2] * d2[0] - d1[0] * d2[2],
                    cz = d1[0] * d2[1] - d1[1] * d2[0];
            if (cx != 0 || cy != 0 || cz != 0) {
                i2 = i;
            }
        }
        if (i2 < 0) {
            return null;
        }
        long best = 0; // the point farthest from the plane of the first three
        for (int i = 1; i < n; i++) {
            long o = orient(p0, pts.get(i1), pts.get(i2), pts.get(i));
            if (Math.abs(o) > Math.abs(best)) {
                best = o;
                i3 = i;
            }
        }
        if (i3 < 0) {
            return null; // coplanar
        }
        int[] tet = {0, i1, i2, i3};
        List<int[]> faces = new ArrayList<>();
        for (int skip = 0; skip < 4; skip++) {
            int[] f = new int[3];
            for (int j = 0, m = 0; j < 4; j++) {
                if (j != skip) {
                    f[m++] = tet[j];
                }
            }
            // outward: the fourth vertex must be strictly inside (orient < 0)
            if (orient(pts.get(f[0]), pts.get(f[1]), pts.get(f[2]), pts.get(tet[skip])) > 0) {
                int t = f[1];
                f[1] = f[2];
                f[2] = t;
            }
            faces.add(f);
        }
        for (int i = 0; i < n; i++) {
            if (i == 0 || i == i1 || i == i2 || i == i3) {
                continue;
            }
            long[] p = pts.get(i);
            List<int[]> visible = new ArrayList<>();
            List<int[]> keep = new ArrayList<>(faces.size());
            for (int[] f : faces) {
                if (orient(pts.get(f[0]), pts.get(f[1]), pts.get(f[2]), p) > 0) {
                    visible.add(f);
                } else {
                    keep.add(f);
                }
            }
            if (visible.isEmpty()) {
                continue;
            }
            Set<Long> edges = new HashSet<>();
            for (int[] f : visible) {
                for (int e = 0; e < 3; e++) {
                    edges.add(edgeKey(f[e], f[(e + 1) % 3]));
                }
            }
            for (int[] f : visible) {
                for (int e = 0; e < 3; e++) {
                    int a = f[e], b = f[(e + 1) % 3];
                    if (!edges.contains(edgeKey(b, a))) {
                        keep.add(new int[] {a, b, i});
                    }
                }
            }
            faces = keep;
        }
        return faces;
    }

    private static long edgeKey(int a, int b) {
        return ((long) a << 32) | (b & 0xffffffffL);
    }

    private static long[] sub(long[] a, long[] b) {
        return new long[] {a[0] - b[0], a[1] - b[1], a[2] - b[2]};
    }

    private static List<long[]> hull3dVertices(List<long[]> pts) {
        List<int[]> faces = hull3d(pts);
        if (faces == null) {
            return null;
        }
        Set<Integer> seen = new HashSet<>();
        List<long[]> out = new ArrayList<>();
        for (int[] f : faces) {
            for (int v : f) {
                if (seen.add(v)) {
                    out.add(pts.get(v));
                }
            }
        }
        return out;
    }

    private static List<long[]> hull3dPlanes(List<long[]> pts) {
        List<int[]> faces = hull3d(pts);
        List<long[]> planes = new ArrayList<>();
        for (int[] f : faces) {
            long[] a = pts.get(f[0]), b = pts.get(f[1]), c = pts.get(f[2]);
            long[] u = sub(b, a), v = sub(c, a);
            long nx = u[1] * v[2] - u[2] * v[1], ny = u[2] * v[0] - u[0] * v[2], nz = u[0] * v[1] - u[1] * v[0];
            planes.add(new long[] {nx, ny, nz, nx * a[0] + ny * a[1] + nz * a[2]});
        }
        return planes;
    }
}
