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

    /** The centre map {@code d} (float64; float32 values for distance type 0) and the foreground mask {@code f ≥ t}. */
    public record CentreMap(double[] distances, byte[] mask) {
    }

    /** Steps 1–4: instance ids ≥ 0 (write them as uint32). Inputs are not modified. */
    public static int[] segment(float[] foreground, float[] distances, int nz, int ny, int nx, Parameters p) {
        CentreMap c = centreMap(foreground, distances, nz, ny, nx, p);
        int[] markers = findMarkers(c.distances(), nz, ny, nx, p.minCenterDistance(), p.maxCenterDistance(),
                p.distanceType() == 0);
        double[] image = c.distances();
        Slabs.forChunks(image.length, 1, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                image[i] = -image[i];
            }
        });
        return Watershed.watershedParallel(image, markers, c.mask(), nz, ny, nx);
    }

    /** Steps 1 and 2. */
    public static CentreMap centreMap(float[] foreground, float[] distances, int nz, int ny, int nx, Parameters p) {
        int n = Slabs.size(foreground.length, nz, ny, nx);
        Slabs.size(distances.length, nz, ny, nx);
        float t = (float) p.thresholdForeground();
        float[] d = GaussianFilter.filter(distances, nz, ny, nx, 0.5, 0.5, 0.5, GaussianFilter.Mode.NEAREST);
        float[] f = p.thresholdForeground() < 1
                ? GaussianFilter.filter(foreground, nz, ny, nx, 0.5, 0.5, 0.5, GaussianFilter.Mode.NEAREST)
                : foreground;
        byte[] mask = new byte[n];
        Slabs.forChunks(n, 1, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                if (d[i] < 0) {
                    d[i] = 0;
                }
                if (f[i] < t) {
                    d[i] = 0;
                }
                mask[i] = f[i] >= t ? (byte) 1 : 0;
            }
        });
        double[] out = new double[n];
        if (p.distanceType() == 0) {
            Slabs.forChunks(n, 1, (lo, hi) -> {
                for (int i = lo; i < hi; i++) {
                    out[i] = d[i];
                }
            });
            return new CentreMap(out, mask);
        }
        int[] d2 = DistanceTransform.squaredEdt(mask, nz, ny, nx);
        double[] e = new double[n];
        Slabs.forChunks(n, 1, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                e[i] = Math.min(Math.sqrt(d2[i]), 5.0);
            }
        });
        double[] es = GaussianFilter.filter(e, nz, ny, nx, 0.5, 0.5, 0.5, GaussianFilter.Mode.NEAREST);
        if (p.distanceType() == 2) {
            return new CentreMap(es, mask);
        }
        Slabs.forChunks(n, 1, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                out[i] = ((double) d[i] + es[i]) / 2;
            }
        });
        return new CentreMap(out, mask);
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
        int n = Slabs.size(d.length, nz, ny, nx);
        if (lo == hi) {
            return ConnectedComponents.label(threshold(d, lo, float32), nz, ny, nx, 26);
        }
        int[] init = ConnectedComponents.label(threshold(d, lo, float32), nz, ny, nx, 26);
        int initCount = ConnectedComponents.count(init);
        int initOffset = 0; // the id of init's component k is k + initOffset
        int[] markers = new int[n];
        int markerCount = 0;
        double start = lo + 0.5;
        double stop = hi + 0.5;
        long steps = Math.max(0, (long) Math.ceil((stop - start) / 0.5));
        for (long s = 0; s < steps; s++) {
            double th = start + s * 0.5;
            int[] cur = ConnectedComponents.label(threshold(d, th, float32), nz, ny, nx, 26);
            int curCount = ConnectedComponents.count(cur);
            byte[] survives = new byte[initCount + 1];
            int[] initNow = init;
            Slabs.forChunks(n, 1, (a, b) -> {
                for (int i = a; i < b; i++) {
                    if (initNow[i] != 0 && cur[i] != 0) {
                        survives[initNow[i]] = 1; // benign race: every writer writes 1
                    }
                }
            });
            int[] newId = new int[initCount + 1];
            boolean anyLost = false;
            for (int k = 1; k <= initCount; k++) {
                if (survives[k] == 0) {
                    newId[k] = ++markerCount;
                    anyLost = true;
                }
            }
            if (anyLost) {
                Slabs.forChunks(n, 1, (a, b) -> {
                    for (int i = a; i < b; i++) {
                        int k = initNow[i];
                        if (k != 0 && newId[k] != 0) {
                            markers[i] = newId[k];
                        }
                    }
                });
            }
            init = cur;
            initCount = curCount;
            initOffset = markerCount;
            if (curCount == 0) {
                break; // every later threshold is higher: its components are empty too, nothing changes any more
            }
        }
        int[] last = init;
        int offset = initOffset;
        Slabs.forChunks(n, 1, (a, b) -> {
            for (int i = a; i < b; i++) {
                if (last[i] != 0) {
                    markers[i] = last[i] + offset;
                }
            }
        });
        return markers;
    }

    /** {@code d ≥ th} as a 0/1 mask. */
    private static byte[] threshold(double[] d, double th, boolean float32) {
        double t = float32 ? (double) (float) th : th;
        byte[] m = new byte[d.length];
        Slabs.forChunks(d.length, 1, (a, b) -> {
            for (int i = a; i < b; i++) {
                m[i] = d[i] >= t ? (byte) 1 : 0;
            }
        });
        return m;
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
