package org.cryosiam.ops;

/**
 * Exact Euclidean distance transforms of a 3-D {@code (z, y, x)} mask with
 * {@code scipy.ndimage.distance_transform_edt} semantics (unit sampling): every non-zero voxel gets the distance
 * to the nearest zero voxel; zero voxels get 0; the outside of the volume is <em>not</em> background. When the
 * mask has no zero voxel at all, SciPy leaves its feature transform at (-1, 0, 0) for every voxel and measures
 * the distance to that point ({@code sqrt((z+1)² + y² + x²)}); {@link #edt} reproduces that, and
 * {@link #featureTransform} returns -1 everywhere.
 */
public final class DistanceTransform {
    private DistanceTransform() {
    }

    private static final int INF = Integer.MAX_VALUE;

    /**
     * Distances (float32 of the exact float64 {@code sqrt}) by the separable Felzenszwalb–Huttenlocher lower
     * envelope of parabolas on exact integer squared distances, one axis after the other, lines in parallel.
     */
    public static float[] edt(byte[] mask, int nz, int ny, int nx) {
        int n = Slabs.size(mask.length, nz, ny, nx);
        int[] d2 = squaredEdt(mask, nz, ny, nx);
        float[] out = new float[n];
        Slabs.forChunks(n, 1, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                out[i] = (float) Math.sqrt(d2[i]);
            }
        });
        return out;
    }

    /** Exact squared distances as ints (see {@link #edt}). */
    public static int[] squaredEdt(byte[] mask, int nz, int ny, int nx) {
        int n = Slabs.size(mask.length, nz, ny, nx);
        int[] d = new int[n];
        boolean anyBackground = false;
        for (int i = 0; i < n; i++) {
            if (mask[i] == 0) {
                anyBackground = true;
                break;
            }
        }
        if (!anyBackground) {
            // SciPy: no feature found, the feature stays (-1, 0, 0)
            int i = 0;
            for (int z = 0; z < nz; z++) {
                for (int y = 0; y < ny; y++) {
                    for (int x = 0; x < nx; x++, i++) {
                        d[i] = (z + 1) * (z + 1) + y * y + x * x;
                    }
                }
            }
            return d;
        }
        for (int i = 0; i < n; i++) {
            d[i] = mask[i] == 0 ? 0 : INF;
        }
        int plane = ny * nx;
        pass(d, nz * ny, nx, 1, line -> line * nx);                                        // along x
        pass(d, nz * nx, ny, nx, line -> (line / nx) * plane + line % nx);                 // along y
        pass(d, plane, nz, plane, line -> line);                                           // along z
        return d;
    }

    @FunctionalInterface
    private interface LineStart {
        int of(int line);
    }

    /** One 1-D lower-envelope pass over {@code lines} lines of {@code len} voxels with the given stride. */
    private static void pass(int[] d, int lines, int len, int stride, LineStart start) {
        Slabs.forChunks(lines, len, (lo, hi) -> {
            long[] f = new long[len];
            int[] v = new int[len];
            double[] zb = new double[len + 1];
            for (int line = lo; line < hi; line++) {
                int s0 = start.of(line);
                for (int q = 0; q < len; q++) {
                    f[q] = d[s0 + q * stride];
                }
                int k = -1;
                for (int q = 0; q < len; q++) {
                    if (f[q] == INF) {
                        continue;
                    }
                    double s = Double.NEGATIVE_INFINITY;
                    while (k >= 0) {
                        int p = v[k];
                        s = ((f[q] + (long) q * q) - (f[p] + (long) p * p)) / (2.0 * (q - p));
                        if (s <= zb[k]) {
                            k--;
                        } else {
                            break;
                        }
                    }
                    k++;
                    v[k] = q;
                    zb[k] = k == 0 ? Double.NEGATIVE_INFINITY : s;
                }
                if (k < 0) {
                    continue; // no finite value on this line: stays INF
                }
                int last = k;
                k = 0;
                for (int q = 0; q < len; q++) {
                    while (k < last && zb[k + 1] < q) {
                        k++;
                    }
                    long dq = q - v[k];
                    d[s0 + q * stride] = (int) Math.min(INF - 1, dq * dq + f[v[k]]);
                }
            }
        });
    }

    /**
     * SciPy's feature transform ({@code distance_transform_edt(mask, return_indices=True)}): for every voxel the
     * flat index {@code (z*ny + y)*nx + x} of its nearest zero voxel, or -1 everywhere when there is none.
     * Ported from SciPy's {@code _VoronoiFT} (Maurer et al.), passes along z, then y, then x, with the same float64
     * tests, so that among equidistant zero voxels the same one is chosen as SciPy.
     */
    public static int[] featureTransform(byte[] mask, int nz, int ny, int nx) {
        int n = Slabs.size(mask.length, nz, ny, nx);
        int[] ft = new int[n];
        for (int i = 0; i < n; i++) {
            ft[i] = mask[i] == 0 ? i : -1;
        }
        int plane = ny * nx;
        voronoiPass(ft, nz, ny, nx, 0, plane, nz, plane, line -> line);                            // along z
        voronoiPass(ft, nz, ny, nx, 1, nz * nx, ny, nx, line -> (line / nx) * plane + line % nx);    // along y
        voronoiPass(ft, nz, ny, nx, 2, nz * ny, nx, 1, line -> line * nx);                          // along x
        return ft;
    }

    private static void voronoiPass(int[] ft, int nz, int ny, int nx, int d, int lines, int len, int stride,
                                    LineStart start) {
        int plane = ny * nx;
        Slabs.forChunks(lines, len, (lo, hi) -> {
            int[][] f = new int[len][3];
            int[] g = new int[len];
            int[] coor = new int[3];
            boolean[] has = new boolean[len];
            for (int line = lo; line < hi; line++) {
                int s0 = start.of(line);
                coor[0] = s0 / plane;
                coor[1] = (s0 / nx) % ny;
                coor[2] = s0 % nx;
                for (int ii = 0; ii < len; ii++) {
                    int site = ft[s0 + ii * stride];
                    has[ii] = site >= 0;
                    if (site >= 0) {
                        f[ii][0] = site / plane;
                        f[ii][1] = (site / nx) % ny;
                        f[ii][2] = site % nx;
                    }
                }
                int l = -1;
                for (int ii = 0; ii < len; ii++) {
                    if (!has[ii]) {
                        continue;
                    }
                    double fd = f[ii][d];
                    double wR = 0.0;
                    for (int jj = 0; jj < 3; jj++) {
                        if (jj != d) {
                            double tw = f[ii][jj] - coor[jj];
                            wR += tw * tw;
                        }
                    }
                    while (l >= 1) {
                        int idx1 = g[l], idx2 = g[l - 1];
                        double f1 = f[idx1][d];
                        double a = f1 - f[idx2][d];
                        double b = fd - f1;
                        double c = a + b;
                        double uR = 0.0, vR = 0.0;
                        for (int jj = 0; jj < 3; jj++) {
                            if (jj != d) {
                                double cc = coor[jj];
                                double tu = f[idx2][jj] - cc;
                                double tv = f[idx1][jj] - cc;
                                uR += tu * tu;
                                vR += tv * tv;
                            }
                        }
                        if (c * vR - b * uR - a * wR - a * b * c <= 0.0) {
                            break;
                        }
                        --l;
                    }
                    ++l;
                    g[l] = ii;
                }
                int maxl = l;
                if (maxl < 0) {
                    continue;
                }
                l = 0;
                for (int ii = 0; ii < len; ii++) {
                    double delta1 = 0.0;
                    for (int jj = 0; jj < 3; jj++) {
                        double t = jj == d ? f[g[l]][jj] - ii : f[g[l]][jj] - coor[jj];
                        delta1 += t * t;
                    }
                    while (l < maxl) {
                        double delta2 = 0.0;
                        for (int jj = 0; jj < 3; jj++) {
                            double t = jj == d ? f[g[l + 1]][jj] - ii : f[g[l + 1]][jj] - coor[jj];
                            delta2 += t * t;
                        }
                        if (delta1 <= delta2) {
                            break;
                        }
                        delta1 = delta2;
                        ++l;
                    }
                    int[] s = f[g[l]];
                    ft[s0 + ii * stride] = (s[0] * ny + s[1]) * nx + s[2];
                }
            }
        });
    }
}
