package org.cryosiam.ops;

import java.util.Arrays;

/**
 * Connected-component labelling of a 3-D {@code (z, y, x)} volume, following {@code skimage.measure.label}
 * (scikit-image 0.19, {@code background=0}): voxels with the same non-zero value that touch are one component;
 * components are numbered 1..n in raster order of their first voxel (x fastest); background is 0.
 *
 * <p>Connectivity is given as the number of neighbours: 6 (faces, skimage {@code connectivity=1}), 18 (faces and
 * edges, 2) or 26 (faces, edges and corners, 3 — skimage's default for 3-D).
 *
 * <p>Algorithm: the volume is cut into z-slabs labelled in parallel by a one-pass union-find over the backward
 * neighbours (provisional labels in raster order, the smaller label always becomes the root, so a root is the
 * first voxel of its component); slab labels are then joined across slab borders with a global union-find over
 * offset ids (again min-root), and one last parallel pass writes the final raster-order numbers.
 */
public final class ConnectedComponents {
    private ConnectedComponents() {
    }

    /** Labels the non-zero voxels of a binary (or small-integer) mask; equal non-zero values connect. */
    public static int[] label(byte[] mask, int nz, int ny, int nx, int connectivity) {
        Slabs.size(mask.length, nz, ny, nx);
        int[] out = new int[mask.length];
        run(i -> mask[i], out, nz, ny, nx, connectivity);
        return out;
    }

    /** Labels the regions of equal non-zero value of an integer volume (skimage on an int image). */
    public static int[] label(int[] values, int nz, int ny, int nx, int connectivity) {
        Slabs.size(values.length, nz, ny, nx);
        int[] out = new int[values.length];
        run(i -> values[i], out, nz, ny, nx, connectivity);
        return out;
    }

    /**
     * Labels the voxels where {@code inside} holds, as {@link #label(byte[], int, int, int, int)} labels the mask
     * {@code inside ? 1 : 0} — without the mask's bytes (a threshold of a large map).
     */
    public static int[] labelWhere(java.util.function.IntPredicate inside, int nz, int ny, int nx,
                                   int connectivity) {
        int[] out = new int[Math.multiplyExact(Math.multiplyExact(nz, ny), nx)];
        run(i -> inside.test(i) ? 1 : 0, out, nz, ny, nx, connectivity);
        return out;
    }

    /**
     * {@link #labelWhere(java.util.function.IntPredicate, int, int, int, int)} written into {@code out}: the voxels
     * where {@code inside} holds get their labels, every other voxel of {@code out} keeps its value (a caller's
     * own data, e.g. markers found earlier). Returns the number of components.
     */
    public static int labelWhereInto(java.util.function.IntPredicate inside, int[] out, int nz, int ny, int nx,
                                     int connectivity) {
        Slabs.size(out.length, nz, ny, nx);
        return run(i -> inside.test(i) ? 1 : 0, out, nz, ny, nx, connectivity);
    }

    /** Number of components in a labelling made by {@link #label}: its largest value. */
    public static int count(int[] labels) {
        int max = 0;
        for (int v : labels) {
            max = Math.max(max, v);
        }
        return max;
    }

    @FunctionalInterface
    private interface Source {
        int at(int i);
    }

    /** Backward neighbours (already visited in raster order) as {dz, dy, dx} triples. */
    static int[][] backwardNeighbours(int connectivity) {
        int rank;
        switch (connectivity) {
            case 6: rank = 1; break;
            case 18: rank = 2; break;
            case 26: rank = 3; break;
            default: throw new IllegalArgumentException("connectivity must be 6, 18 or 26, got " + connectivity);
        }
        int[][] out = new int[13][];
        int n = 0;
        for (int dz = -1; dz <= 0; dz++) {
            for (int dy = -1; dy <= 1; dy++) {
                for (int dx = -1; dx <= 1; dx++) {
                    boolean backward = dz < 0 || (dz == 0 && (dy < 0 || (dy == 0 && dx < 0)));
                    if (backward && Math.abs(dz) + Math.abs(dy) + Math.abs(dx) <= rank) {
                        out[n++] = new int[] {dz, dy, dx};
                    }
                }
            }
        }
        return Arrays.copyOf(out, n);
    }

    /** Per-slab result: provisional label -> compact local id (1..k, order kept). */
    private static final class Slab {
        int z0, z1;
        int[] compact;
        int k;
    }

    /**
     * Labels the non-zero voxels of {@code src} into {@code out}, reading and writing only those voxels; returns the
     * number of components.
     */
    private static int run(Source src, int[] out, int nz, int ny, int nx, int connectivity) {
        int[][] nb = backwardNeighbours(connectivity);
        int n = nz * ny * nx;
        if (n == 0) {
            return 0;
        }
        long plane = (long) ny * nx;
        int slabCount = Math.max(1, Math.min(nz, Slabs.chunks(nz, plane)));
        Slab[] slabs = new Slab[slabCount];
        for (int s = 0; s < slabCount; s++) {
            slabs[s] = new Slab();
            slabs[s].z0 = (int) ((long) nz * s / slabCount);
            slabs[s].z1 = (int) ((long) nz * (s + 1) / slabCount);
        }
        Slabs.forEach(slabCount, Long.MAX_VALUE / slabCount, s -> labelSlab(src, nz, ny, nx, nb, out, slabs[s]));

        // join slabs across their borders with a global min-root union-find over offset ids
        int[] offset = new int[slabCount + 1];
        for (int s = 0; s < slabCount; s++) {
            offset[s + 1] = Math.addExact(offset[s], slabs[s].k);
        }
        int[] parent = new int[offset[slabCount] + 1];
        for (int i = 0; i < parent.length; i++) {
            parent[i] = i;
        }
        for (int s = 1; s < slabCount; s++) {
            Slab cur = slabs[s], prev = slabs[s - 1];
            int z = cur.z0;
            for (int y = 0; y < ny; y++) {
                for (int x = 0; x < nx; x++) {
                    int i = (z * ny + y) * nx + x;
                    int v = src.at(i);
                    if (v == 0) {
                        continue;
                    }
                    int gi = offset[s] + cur.compact[out[i]];
                    for (int[] d : nb) {
                        if (d[0] != -1) {
                            continue;
                        }
                        int yy = y + d[1], xx = x + d[2];
                        if (yy < 0 || yy >= ny || xx < 0 || xx >= nx) {
                            continue;
                        }
                        int j = ((z - 1) * ny + yy) * nx + xx;
                        if (src.at(j) == v) {
                            union(parent, gi, offset[s - 1] + prev.compact[out[j]]);
                        }
                    }
                }
            }
        }
        // final numbering: roots in increasing id order = raster order of first voxels
        int[] fin = new int[parent.length];
        int next = 0;
        for (int g = 1; g < parent.length; g++) {
            int r = find(parent, g);
            fin[g] = r == g ? ++next : fin[r];
        }
        Slabs.forEach(slabCount, Long.MAX_VALUE / slabCount, s -> {
            Slab sl = slabs[s];
            int base = offset[s];
            int[] compact = sl.compact;
            int lo = (int) (sl.z0 * plane), hi = (int) (sl.z1 * plane);
            for (int i = lo; i < hi; i++) {
                if (src.at(i) != 0) {
                    out[i] = fin[base + compact[out[i]]];
                }
            }
        });
        return next;
    }

    private static void labelSlab(Source src, int nz, int ny, int nx, int[][] nb, int[] out, Slab slab) {
        int[] parent = new int[1024];
        int count = 0;
        int m = nb.length;
        int[] ddz = new int[m], ddy = new int[m], ddx = new int[m], doff = new int[m];
        for (int k = 0; k < m; k++) {
            ddz[k] = nb[k][0];
            ddy[k] = nb[k][1];
            ddx[k] = nb[k][2];
            doff[k] = (ddz[k] * ny + ddy[k]) * nx + ddx[k];
        }
        for (int z = slab.z0; z < slab.z1; z++) {
            boolean zIn = z > slab.z0;
            for (int y = 0; y < ny; y++) {
                int row = (z * ny + y) * nx;
                for (int x = 0; x < nx; x++) {
                    int i = row + x;
                    int v = src.at(i);
                    if (v == 0) {
                        continue;
                    }
                    int lab = 0;
                    for (int k = 0; k < m; k++) {
                        if (ddz[k] < 0 && !zIn) {
                            continue;
                        }
                        int yy = y + ddy[k], xx = x + ddx[k];
                        if (yy < 0 || yy >= ny || xx < 0 || xx >= nx) {
                            continue;
                        }
                        int j = i + doff[k];
                        if (src.at(j) != v) {
                            continue;
                        }
                        int l = out[j];
                        if (lab == 0) {
                            lab = l;
                        } else if (l != lab) {
                            union(parent, lab, l);
                        }
                    }
                    if (lab == 0) {
                        lab = ++count;
                        if (count >= parent.length) {
                            parent = Arrays.copyOf(parent, (int) Math.min(Integer.MAX_VALUE - 8,
                                    2L * parent.length));
                        }
                        parent[count] = count;
                    }
                    out[i] = lab;
                }
            }
        }
        int[] compact = new int[count + 1];
        int k = 0;
        for (int p = 1; p <= count; p++) {
            int r = find(parent, p);
            compact[p] = r == p ? ++k : compact[r];
        }
        slab.compact = compact;
        slab.k = k;
    }

    private static int find(int[] parent, int a) {
        while (parent[a] != a) {
            parent[a] = parent[parent[a]];
            a = parent[a];
        }
        return a;
    }

    /** Joins the sets of a and b; the smaller root wins so a root stays the first-seen label. */
    private static void union(int[] parent, int a, int b) {
        int ra = find(parent, a), rb = find(parent, b);
        if (ra < rb) {
            parent[rb] = ra;
        } else if (rb < ra) {
            parent[ra] = rb;
        }
    }
}
