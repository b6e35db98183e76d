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
 *   <li>{@code watershed(-d, markers, mask)} with 6-connectivity ({@link Watershed#watershedParallel}).</li>
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
}
