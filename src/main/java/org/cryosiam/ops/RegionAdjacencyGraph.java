package org.cryosiam.ops;

import java.util.Arrays;

/**
 * The region adjacency graph of a label volume, as elf's {@code compute_rag} builds it (nifty's {@code gridRag},
 * now bioimage-cpp's {@code region_adjacency_graph}): one node per label {@code 0..max} (0, the background,
 * included), one edge per pair of labels that share at least one face (6-connectivity). Edges are numbered in
 * increasing order of {@code (u, v)} with {@code u < v}; an edge's size is its number of faces.
 *
 * <p>{@link #features} and {@link #means} accumulate a float map over each edge's faces the way elf's
 * {@code compute_boundary_features} does (bioimage-cpp's {@code edge_map_features_complex}): one sample
 * {@code (m[a] + m[b]) / 2} per face between voxels {@code a} and {@code b}. nifty's older accumulator took
 * {@code m[a]} and {@code m[b]} as two samples; the mean is the same either way.
 */
public final class RegionAdjacencyGraph {
    /** The columns of {@link #features}, in elf's order. */
    public static final String[] FEATURE_NAMES = {"mean", "median", "std", "min", "max", "p5", "p10", "p25", "p75",
            "p90", "p95", "size"};

    private final int nodes;
    private final long[] keys; // (u << 32) | v, increasing
    private final long[] sizes;

    private RegionAdjacencyGraph(int nodes, long[] keys, long[] sizes) {
        this.nodes = nodes;
        this.keys = keys;
        this.sizes = sizes;
    }

    /** The graph of {@code labels} (ids ≥ 0). */
    public static RegionAdjacencyGraph of(int[] labels, int nz, int ny, int nx) {
        int n = Slabs.size(labels.length, nz, ny, nx);
        int max = 0;
        for (int i = 0; i < n; i++) {
            if (labels[i] < 0) {
                throw new IllegalArgumentException("negative label " + labels[i] + " at voxel " + i);
            }
            max = Math.max(max, labels[i]);
        }
        // each z-plane lists its faces' keys (those to the next plane included), sorted and counted; then merged
        long[][] planeKeys = new long[nz][];
        long[][] planeCounts = new long[nz][];
        int plane = ny * nx;
        Slabs.forEach(nz, plane, z -> {
            long[] buf = new long[64];
            int m = 0;
            for (int y = 0; y < ny; y++) {
                for (int x = 0; x < nx; x++) {
                    int i = z * plane + y * nx + x;
                    int a = labels[i];
                    for (int axis = 0; axis < 3; axis++) {
                        int j = nextAlong(axis, i, x, y, z, nx, ny, nz);
                        if (j >= 0 && labels[j] != a) {
                            if (m == buf.length) {
                                buf = Arrays.copyOf(buf, 2 * m);
                            }
                            buf[m++] = key(a, labels[j]);
                        }
                    }
                }
            }
            Arrays.sort(buf, 0, m);
            long[][] kc = runLengths(buf, m);
            planeKeys[z] = kc[0];
            planeCounts[z] = kc[1];
        });
        int total = 0;
        for (long[] k : planeKeys) {
            total += k.length;
        }
        long[] all = new long[total];
        long[] counts = new long[total];
        int at = 0;
        for (int z = 0; z < nz; z++) {
            System.arraycopy(planeKeys[z], 0, all, at, planeKeys[z].length);
            System.arraycopy(planeCounts[z], 0, counts, at, planeCounts[z].length);
            at += planeKeys[z].length;
        }
        // the distinct keys over all planes, then each plane's counts added to its keys
        long[] sorted = all.clone();
        Arrays.parallelSort(sorted);
        long[] distinct = runLengths(sorted, total)[0];
        long[] sizes = new long[distinct.length];
        for (int i = 0; i < total; i++) {
            sizes[Arrays.binarySearch(distinct, all[i])] += counts[i];
        }
        return new RegionAdjacencyGraph(max + 1, distinct, sizes);
    }

    public int numberOfNodes() {
        return nodes;
    }

    public int numberOfEdges() {
        return keys.length;
    }

    /** The smaller label of edge {@code e}. */
    public int u(int e) {
        return (int) (keys[e] >>> 32);
    }

    /** The larger label of edge {@code e}. */
    public int v(int e) {
        return (int) keys[e];
    }

    /** The smaller labels of all edges. */
    public int[] us() {
        int[] out = new int[keys.length];
        for (int e = 0; e < out.length; e++) {
            out[e] = u(e);
        }
        return out;
    }

    /** The larger labels of all edges. */
    public int[] vs() {
        int[] out = new int[keys.length];
        for (int e = 0; e < out.length; e++) {
            out[e] = v(e);
        }
        return out;
    }

    /** Number of faces of edge {@code e}. */
    public long edgeSize(int e) {
        return sizes[e];
    }

    /** Number of faces of every edge. */
    public double[] edgeSizes() {
        double[] out = new double[sizes.length];
        for (int e = 0; e < out.length; e++) {
            out[e] = sizes[e];
        }
        return out;
    }

    /** The edge between labels {@code a} and {@code b}, or −1. */
    public int findEdge(int a, int b) {
        if (a == b || a < 0 || b < 0) {
            return -1;
        }
        int e = Arrays.binarySearch(keys, key(a, b));
        return e >= 0 ? e : -1;
    }

    /** Column 0 of {@link #features}: the mean of {@code (m[a] + m[b]) / 2} over each edge's faces. */
    public double[] means(int[] labels, float[] map, int nz, int ny, int nx) {
        Slabs.size(labels.length, nz, ny, nx);
        Slabs.size(map.length, nz, ny, nx);
        int edges = keys.length;
        int plane = ny * nx;
        // one partial sum per chunk of planes, added in chunk order; a fixed chunk count keeps the rounding
        // independent of the number of cores
        int chunks = Math.max(1, Math.min(nz, 16));
        double[][] sums = new double[chunks][];
        Slabs.forEach(chunks, (long) nz * plane / chunks, c -> {
            double[] s = new double[edges];
            forEachFace(labels, nz, ny, nx, (int) ((long) nz * c / chunks), (int) ((long) nz * (c + 1) / chunks),
                    (e, i, j) -> s[e] += 0.5 * ((double) map[i] + map[j]));
            sums[c] = s;
        });
        double[] out = new double[edges];
        for (double[] s : sums) {
            for (int e = 0; e < edges; e++) {
                out[e] += s[e];
            }
        }
        for (int e = 0; e < edges; e++) {
            out[e] /= sizes[e];
        }
        return out;
    }

    /**
     * elf's twelve edge features ({@link #FEATURE_NAMES}) of the face samples {@code (m[a] + m[b]) / 2}:
     * mean, median, population standard deviation, min, max, the 5/10/25/75/90/95th percentiles (linear
     * interpolation, as numpy's default) and the number of faces. Row {@code e} belongs to edge {@code e}.
     */
    public double[][] features(int[] labels, float[] map, int nz, int ny, int nx) {
        Slabs.size(labels.length, nz, ny, nx);
        Slabs.size(map.length, nz, ny, nx);
        int edges = keys.length;
        int[] start = new int[edges + 1];
        for (int e = 0; e < edges; e++) {
            start[e + 1] = Math.toIntExact(start[e] + sizes[e]);
        }
        double[] values = new double[start[edges]];
        int[] fill = Arrays.copyOf(start, edges);
        forEachFace(labels, nz, ny, nx, 0, nz, (e, i, j) -> values[fill[e]++] = 0.5 * ((double) map[i] + map[j]));
        double[][] out = new double[edges][];
        Slabs.forEach(edges, 64, e -> {
            double[] s = Arrays.copyOfRange(values, start[e], start[e + 1]);
            double sum = 0;
            for (double x : s) {
                sum += x;
            }
            double mean = sum / s.length;
            double sq = 0;
            for (double x : s) {
                sq += (x - mean) * (x - mean);
            }
            Arrays.sort(s);
            out[e] = new double[] {mean, percentile(s, 50), Math.sqrt(sq / s.length), s[0], s[s.length - 1],
                    percentile(s, 5), percentile(s, 10), percentile(s, 25), percentile(s, 75), percentile(s, 90),
                    percentile(s, 95), s.length};
        });
        return out;
    }

    @FunctionalInterface
    private interface FaceVisitor {
        void visit(int edge, int a, int b);
    }

    /** The voxel after {@code i} along {@code axis} (0 = x, 1 = y, 2 = z), or -1 at the volume's far face. */
    private static int nextAlong(int axis, int i, int x, int y, int z, int nx, int ny, int nz) {
        if (axis == 0) {
            return x + 1 < nx ? i + 1 : -1;
        }
        if (axis == 1) {
            return y + 1 < ny ? i + nx : -1;
        }
        return z + 1 < nz ? i + ny * nx : -1;
    }

    /** Visits the faces between different labels whose first voxel lies in planes [zLo, zHi), in raster order. */
    private void forEachFace(int[] labels, int nz, int ny, int nx, int zLo, int zHi, FaceVisitor f) {
        int plane = ny * nx;
        long lastKey = -1;
        int lastEdge = -1;
        for (int z = zLo; z < zHi; z++) {
            for (int y = 0; y < ny; y++) {
                for (int x = 0; x < nx; x++) {
                    int i = z * plane + y * nx + x;
                    int a = labels[i];
                    for (int axis = 0; axis < 3; axis++) {
                        int j = nextAlong(axis, i, x, y, z, nx, ny, nz);
                        if (j < 0 || labels[j] == a) {
                            continue;
                        }
                        long k = key(a, labels[j]);
                        if (k != lastKey) { // runs of faces between the same two regions are common
                            lastEdge = Arrays.binarySearch(keys, k);
                            if (lastEdge < 0) {
                                throw new IllegalArgumentException("labels differ from the graph's volume");
                            }
                            lastKey = k;
                        }
                        f.visit(lastEdge, i, j);
                    }
                }
            }
        }
    }

    /** numpy's default (linear) percentile of sorted values. */
    private static double percentile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1) / 100.0;
        int lo = (int) Math.floor(pos);
        int hi = (int) Math.ceil(pos);
        double w = pos - lo;
        return lo == hi ? sorted[lo] : (1 - w) * sorted[lo] + w * sorted[hi];
    }

    private static long key(int a, int b) {
        int u = Math.min(a, b);
        int v = Math.max(a, b);
        return ((long) u << 32) | v;
    }

    /** Distinct keys of sorted {@code keys[0..m)} and their multiplicities. */
    private static long[][] runLengths(long[] keys, int m) {
        int distinct = 0;
        for (int i = 0; i < m; i++) {
            if (i == 0 || keys[i] != keys[i - 1]) {
                distinct++;
            }
        }
        long[] k = new long[distinct];
        long[] c = new long[distinct];
        int d = -1;
        for (int i = 0; i < m; i++) {
            if (i == 0 || keys[i] != keys[i - 1]) {
                k[++d] = keys[i];
            }
            c[d]++;
        }
        return new long[][] {k, c};
    }
}
