package org.cryosiam.ops;

/**
 * The post-processing of {@code instance_predict} (spec/commands.md, steps 1–4): from the foreground probability
 * and the predicted distance-to-boundary maps to instance labels, as cryosiam 1.0's {@code instance_segmentation}
 * with {@code postprocessing=False} computes them (scikit-image 0.19, SciPy, numpy 1.24 dtypes kept):
 * <ol>
 *   <li>{@code d = gaussian(distances, 0.5)} (float32); {@code f = gaussian(foreground, 0.5)} when {@code t < 1},
 *       else {@code f = foreground}; {@code d[d < 0] = 0}; {@code d[f < t] = 0}; the watershed mask is
 *       {@code f ≥ t} (comparisons in float32, as numpy casts the Python threshold to the array's type);</li>
 *   <li>{@code distance_type} 1: {@code d = (d + e) / 2} with {@code e = gaussian(clip(edt(f ≥ t), 0, 5), 0.5)} in
 *       float64 (SciPy's EDT is float64, so is everything after it); 2: {@code d = e}; 0: {@code d} stays
 *       float32;</li>
 *   <li>markers by the multi-threshold search ({@link #findMarkers});</li>
 *   <li>{@code watershed(-d, markers, mask)} with 6-connectivity ({@link Watershed#watershedParallel});</li>
 *   <li>with {@code postprocessing=True} and {@code boundary_bias < 1}: regions merged by a multicut on the
 *       boundary map ({@link #multicutMerge}).</li>
 * </ol>
 * Every step except the flooding of one mask component runs on all cores.
 */
public final class InstancePostprocessing {
    private InstancePostprocessing() {
    }

    /**
     * The {@code parameters.network} values that steer the post-processing.
     *
     * @param thresholdForeground {@code threshold_foreground} ({@code t})
     * @param minCenterDistance   {@code min_center_distance} ({@code lo})
     * @param maxCenterDistance   {@code max_center_distance} ({@code hi})
     * @param distanceType        {@code distance_type}: 0, 1 or 2
     */
    public record Parameters(double thresholdForeground, double minCenterDistance, double maxCenterDistance,
                             int distanceType) {
        public Parameters {
            if (distanceType < 0 || distanceType > 2) {
                throw new IllegalArgumentException("distance_type must be 0, 1 or 2, got " + distanceType);
            }
        }
    }

    /**
     * A float32 volume read by ranges of z-planes: a map parked on disk while it was predicted, or an array.
     * {@code read(z0, z1, dst)} fills {@code dst[0, (z1 - z0) * ny * nx)} with planes {@code [z0, z1)}.
     */
    @FunctionalInterface
    public interface Planes {
        void read(int z0, int z1, float[] dst);

        /** The planes of a whole volume held in memory. */
        static Planes of(float[] volume, int ny, int nx) {
            int plane = ny * nx;
            return (z0, z1, dst) -> System.arraycopy(volume, z0 * plane, dst, 0, (z1 - z0) * plane);
        }
    }

    /**
     * The centre map {@code d} and the foreground mask {@code f ≥ t}. {@code d} is float32 for distance type 0
     * (its values are float32 in the reference too; half the bytes of a large volume) and float64 otherwise:
     * exactly one of the two arrays is non-null.
     */
    public record CentreMap(float[] float32, double[] float64, byte[] mask) {
        /** {@code d[i]} as float64. */
        public double at(int i) {
            return float32 != null ? float32[i] : float64[i];
        }
    }

    /** Steps 1–4: instance ids ≥ 0 (write them as uint32). Inputs are not modified. */
    public static int[] segment(float[] foreground, float[] distances, int nz, int ny, int nx, Parameters p) {
        Slabs.size(foreground.length, nz, ny, nx);
        Slabs.size(distances.length, nz, ny, nx);
        return segment(Planes.of(foreground, ny, nx), Planes.of(distances, ny, nx), nz, ny, nx, p);
    }

    /**
     * Bytes per voxel that {@link #segment(Planes, Planes, int, int, int, Parameters)} holds at its peak: the centre
     * map (4, or 8 for distance types 1 and 2), the mask (1) and one label array (4).
     */
    public static int bytesPerVoxel(Parameters p) {
        return (p.distanceType() == 0 ? 4 : 8) + 1 + 4;
    }

    /** Bytes per voxel that {@link #multicutMerge} holds: the watershed, the boundaries, their filtered copy, the
     *  faces and the result (4 + 4 + 4 + 1 + 4). */
    public static final int MULTICUT_BYTES_PER_VOXEL = 17;

    /**
     * Steps 1–4 on maps read slab by slab; only the centre map, the mask and one label array are whole volumes
     * ({@link #bytesPerVoxel}).
     */
    public static int[] segment(Planes foreground, Planes distances, int nz, int ny, int nx, Parameters p) {
        CentreMap c = centreMap(foreground, distances, nz, ny, nx, p);
        int[] labels = findMarkers(c, nz, ny, nx, p.minCenterDistance(), p.maxCenterDistance());
        // watershed(-d, markers, mask), negated in place
        if (c.float32() != null) {
            float[] d = c.float32();
            Slabs.forChunks(d.length, 1, (lo, hi) -> {
                for (int i = lo; i < hi; i++) {
                    d[i] = -d[i];
                }
            });
            Watershed.watershedInPlace(d, labels, c.mask(), nz, ny, nx);
        } else {
            double[] d = c.float64();
            Slabs.forChunks(d.length, 1, (lo, hi) -> {
                for (int i = lo; i < hi; i++) {
                    d[i] = -d[i];
                }
            });
            Watershed.watershedInPlace(d, labels, c.mask(), nz, ny, nx);
        }
        return labels;
    }

    /** Steps 1 and 2 on whole arrays. */
    public static CentreMap centreMap(float[] foreground, float[] distances, int nz, int ny, int nx, Parameters p) {
        Slabs.size(foreground.length, nz, ny, nx);
        Slabs.size(distances.length, nz, ny, nx);
        return centreMap(Planes.of(foreground, ny, nx), Planes.of(distances, ny, nx), nz, ny, nx, p);
    }

    /**
     * Steps 1 and 2, slab by slab: each slab of planes is filtered with the halo its Gaussians (and, for distance
     * types 1 and 2, the distance transform clipped at 5) reach, so every voxel gets the value the whole volume
     * gives it, while only the outputs are whole volumes.
     */
    public static CentreMap centreMap(Planes foreground, Planes distances, int nz, int ny, int nx, Parameters p) {
        return centreMap(foreground, distances, nz, ny, nx, p, slabPlanes(ny * nx));
    }

    /** {@link #centreMap(Planes, Planes, int, int, int, Parameters)} in slabs of {@code step} planes. */
    static CentreMap centreMap(Planes foreground, Planes distances, int nz, int ny, int nx, Parameters p, int step) {
        int n = Math.toIntExact((long) nz * ny * nx);
        int plane = ny * nx;
        float t = (float) p.thresholdForeground();
        int halo = GaussianFilter.kernel(SIGMA).length / 2;
        byte[] mask = new byte[n];
        float[] d32 = p.distanceType() == 0 ? new float[n] : null;
        double[] d64 = p.distanceType() == 0 ? null : new double[n];
        for (int z0 = 0; z0 < nz; z0 += step) {
            int z1 = Math.min(nz, z0 + step);
            int a = Math.max(0, z0 - halo), b = Math.min(nz, z1 + halo);
            float[] dw = read(distances, a, b, plane);
            float[] d = GaussianFilter.filter(dw, b - a, ny, nx, SIGMA, SIGMA, SIGMA, GaussianFilter.Mode.NEAREST);
            float[] fw = read(foreground, a, b, plane);
            float[] f = p.thresholdForeground() < 1
                    ? GaussianFilter.filter(fw, b - a, ny, nx, SIGMA, SIGMA, SIGMA, GaussianFilter.Mode.NEAREST)
                    : fw;
            int from = z0 * plane, shift = a * plane;
            Slabs.forChunks((z1 - z0) * plane, 1, (lo, hi) -> {
                for (int k = lo; k < hi; k++) {
                    int i = from + k, j = i - shift;
                    float v = d[j];
                    if (v < 0 || f[j] < t) {
                        v = 0;
                    }
                    mask[i] = f[j] >= t ? (byte) 1 : 0;
                    if (d32 != null) {
                        d32[i] = v;
                    } else if (p.distanceType() == 1) {
                        d64[i] = v;
                    }
                }
            });
        }
        if (d32 != null) {
            return new CentreMap(d32, null, mask);
        }
        // e = gaussian(clip(edt(mask), 0, 5)): a clipped distance needs the mask 5 planes on, its Gaussian 2 more
        int reach = halo + EDT_CLIP;
        for (int z0 = 0; z0 < nz; z0 += step) {
            int z1 = Math.min(nz, z0 + step);
            int a = Math.max(0, z0 - reach), b = Math.min(nz, z1 + reach);
            int m = (b - a) * plane;
            byte[] mw = new byte[m];
            System.arraycopy(mask, a * plane, mw, 0, m);
            int[] d2 = DistanceTransform.squaredEdt(mw, b - a, ny, nx);
            double[] e = new double[m];
            for (int j = 0; j < m; j++) {
                e[j] = Math.min(Math.sqrt(d2[j]), EDT_CLIP);
            }
            double[] es = GaussianFilter.filter(e, b - a, ny, nx, SIGMA, SIGMA, SIGMA, GaussianFilter.Mode.NEAREST);
            int from = z0 * plane, shift = a * plane;
            boolean mean = p.distanceType() == 1;
            Slabs.forChunks((z1 - z0) * plane, 1, (lo, hi) -> {
                for (int k = lo; k < hi; k++) {
                    int i = from + k;
                    d64[i] = mean ? (d64[i] + es[i - shift]) / 2 : es[i - shift];
                }
            });
        }
        return new CentreMap(null, d64, mask);
    }

    /** The Gaussian σ of steps 1 and 2 (voxels, every axis). */
    private static final double SIGMA = 0.5;
    /** Where step 2 clips the distance transform. */
    private static final int EDT_CLIP = 5;

    /** Planes per slab: about 1 M voxels, at least 8 planes (the halos are 2 to 7 planes on each side). */
    private static int slabPlanes(int plane) {
        return Math.max(8, (1 << 20) / Math.max(1, plane));
    }

    private static float[] read(Planes planes, int z0, int z1, int plane) {
        float[] dst = new float[(z1 - z0) * plane];
        planes.read(z0, z1, dst);
        return dst;
    }

    /** Step 3 on a centre map ({@link #findMarkers(double[], int, int, int, double, double, boolean)}). */
    public static int[] findMarkers(CentreMap c, int nz, int ny, int nx, double lo, double hi) {
        if (c.float32() != null) {
            float[] d = c.float32();
            return findMarkers(d.length, i -> d[i], nz, ny, nx, lo, hi, true);
        }
        double[] d = c.float64();
        return findMarkers(d.length, i -> d[i], nz, ny, nx, lo, hi, false);
    }

    /**
     * Step 3, the marker search of cryosiam's {@code find_markers} (26-connected {@code label}):
     * if {@code lo == hi}, {@code label(d ≥ lo)}. Otherwise {@code init = label(d ≥ lo)}; for each threshold
     * {@code th = lo + 0.5, lo + 1, …} of {@code numpy.arange(lo + 0.5, hi + 0.5, 0.5)}: {@code cur = label(d ≥ th)};
     * the components of {@code init} without a voxel in {@code cur} become markers (numbered after the markers so
     * far, in the order of their ids); {@code init = cur} numbered after the markers. At the end the surviving
     * {@code init} components are added. Markers never overlap (a voxel of a lost component lies below every later
     * threshold), so the reference's sequential relabelling steps reduce to this numbering.
     *
     * @param float32 whether {@code d} holds float32 values: thresholds are then rounded to float32 before comparing,
     *                as numpy does for a float32 array and a float64 scalar
     * @return markers numbered 1..n. The search stops at the first threshold above every distance (all later
     *         steps change nothing), so a huge {@code hi} costs no more than the distances' range.
     */
    public static int[] findMarkers(double[] d, int nz, int ny, int nx, double lo, double hi, boolean float32) {
        return findMarkers(d.length, i -> d[i], nz, ny, nx, lo, hi, float32);
    }

    /** {@code d[i]} as float64, whatever the array's type. */
    @FunctionalInterface
    private interface Values {
        double at(int i);
    }

    /**
     * The marker search in one label array: the components of the current threshold are positive, the markers found
     * so far negative (their voxels lie below every later threshold, so no later component claims them), and each
     * threshold's components are labelled over the array in place.
     */
    private static int[] findMarkers(int length, Values d, int nz, int ny, int nx, double lo, double hi,
                                     boolean float32) {
        int n = Slabs.size(length, nz, ny, nx);
        int[] labels = new int[n];
        int count = ConnectedComponents.labelWhereInto(atLeast(d, lo, float32), labels, nz, ny, nx, 26);
        if (lo == hi) {
            return labels;
        }
        int markerCount = 0;
        double start = lo + 0.5;
        double stop = hi + 0.5;
        long steps = Math.max(0, (long) Math.ceil((stop - start) / 0.5));
        for (long s = 0; s < steps && count > 0; s++) {
            // a component with no voxel at the next threshold becomes a marker, numbered in the order of its id
            java.util.function.IntPredicate above = atLeast(d, start + s * 0.5, float32);
            byte[] survives = new byte[count + 1];
            Slabs.forChunks(n, 1, (a, b) -> {
                for (int i = a; i < b; i++) {
                    if (labels[i] > 0 && above.test(i)) {
                        survives[labels[i]] = 1; // benign race: every writer writes 1
                    }
                }
            });
            int[] markerId = new int[count + 1];
            for (int k = 1; k <= count; k++) {
                if (survives[k] == 0) {
                    markerId[k] = -(++markerCount);
                }
            }
            Slabs.forChunks(n, 1, (a, b) -> {
                for (int i = a; i < b; i++) {
                    int k = labels[i];
                    if (k > 0) {
                        labels[i] = markerId[k] != 0 ? markerId[k] : 0; // the survivors are labelled next
                    }
                }
            });
            count = ConnectedComponents.labelWhereInto(above, labels, nz, ny, nx, 26);
        }
        // the last threshold's components follow the markers
        int offset = markerCount;
        Slabs.forChunks(n, 1, (a, b) -> {
            for (int i = a; i < b; i++) {
                int k = labels[i];
                labels[i] = k < 0 ? -k : k > 0 ? k + offset : 0;
            }
        });
        return labels;
    }

    /** {@code d ≥ th}, the threshold rounded to float32 first for a float32 map. */
    private static java.util.function.IntPredicate atLeast(Values d, double th, boolean float32) {
        double t = float32 ? (double) (float) th : th;
        return i -> d.at(i) >= t;
    }

    /**
     * Step 5, cryosiam's multicut post-processing: {@code b} = the boundary map bilateral-filtered (ITK, domain σ
     * 1, range σ 0.1: {@link BilateralFilter}); the region adjacency graph of the watershed, background node 0
     * included ({@link RegionAdjacencyGraph}); per edge the mean of {@code b} over its faces, turned into costs by
     * {@link Multicut#probabilitiesToCosts(double[], double)} with {@code β = boundaryBias} (no size weighting);
     * the multicut by {@link Multicut#solve} (GAEC, then Kernighan–Lin).
     *
     * <p>The reference then projects the node labels to voxels, zeroes the watershed wherever that projection is
     * not 0 and joins the two ({@code join_segmentations}): the cluster labelled 0, the background's, is left as
     * its separate watershed regions, every other cluster becomes one instance. Numbered as that join numbers
     * them: first the regions of the background's cluster in increasing watershed id, then the other clusters in
     * increasing order of their smallest id. Background voxels stay 0 (in the reference too, since elf's
     * solvers number clusters in node order), so the result is a coarsening of {@code watershed} with the same
     * foreground.
     *
     * @param watershed  instance ids ≥ 0 (0 = background); not modified
     * @param boundaries the boundary probability map
     * @param boundaryBias {@code boundary_bias}, in (0, 1)
     * @return the merged instances
     */
    public static int[] multicutMerge(int[] watershed, float[] boundaries, int nz, int ny, int nx,
                                      double boundaryBias) {
        int n = Slabs.size(watershed.length, nz, ny, nx);
        Slabs.size(boundaries.length, nz, ny, nx);
        RegionAdjacencyGraph rag = RegionAdjacencyGraph.of(watershed, nz, ny, nx);
        // the edge means read the filtered map only on both sides of region faces
        byte[] faces = new byte[n];
        int plane = ny * nx;
        Slabs.forEach(nz, plane, z -> {
            for (int y = 0; y < ny; y++) {
                for (int x = 0; x < nx; x++) {
                    int i = z * plane + y * nx + x;
                    int a = watershed[i];
                    if ((x > 0 && watershed[i - 1] != a) || (x + 1 < nx && watershed[i + 1] != a)
                            || (y > 0 && watershed[i - nx] != a) || (y + 1 < ny && watershed[i + nx] != a)
                            || (z > 0 && watershed[i - plane] != a) || (z + 1 < nz && watershed[i + plane] != a)) {
                        faces[i] = 1;
                    }
                }
            }
        });
        float[] b = BilateralFilter.filter(boundaries, nz, ny, nx, 1, 0.1, faces);
        double[] costs = Multicut.probabilitiesToCosts(rag.means(watershed, b, nz, ny, nx), boundaryBias);
        int nodes = rag.numberOfNodes();
        int[] cluster = Multicut.solve(nodes, rag.us(), rag.vs(), costs);
        boolean[] present = new boolean[nodes];
        for (int v : watershed) {
            present[v] = true;
        }
        int[] finalId = new int[nodes];
        int next = 0;
        for (int v = 1; v < nodes; v++) {
            if (present[v] && cluster[v] == cluster[0]) {
                finalId[v] = ++next;
            }
        }
        int[] clusterId = new int[nodes]; // 0: not numbered yet
        for (int v = 1; v < nodes; v++) {
            int c = cluster[v];
            if (present[v] && c != cluster[0]) {
                if (clusterId[c] == 0) {
                    clusterId[c] = ++next;
                }
                finalId[v] = clusterId[c];
            }
        }
        int[] out = new int[n];
        Slabs.forChunks(n, 1, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                out[i] = finalId[watershed[i]];
            }
        });
        return out;
    }
}
