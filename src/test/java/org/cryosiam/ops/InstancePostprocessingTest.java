package org.cryosiam.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * The instance post-processing: hand-checked marker search, watershed and distance cases, and the whole pipeline
 * against cryosiam's {@code instance_segmentation} run with scikit-image 0.19 / SciPy
 * ({@code src/test/resources/ops/generate_instance_expected.py}).
 */
class InstancePostprocessingTest {

    // ---- marker search ----

    @Test
    void componentsThatVanishBecomeMarkersNumberedBeforeTheSurvivors() {
        // d along x:     3 3 0 1.2 0 2.2      lo 0.5, hi 2 -> thresholds 1, 1.5, 2
        // init (>=0.5):  1 1 . 2   . 3
        // at 1.5 the middle component has no voxel left: it is marker 1; the survivors follow in raster order
        double[] d = {3, 3, 0, 1.2, 0, 2.2};
        assertArrayEquals(new int[] {2, 2, 0, 1, 0, 3}, InstancePostprocessing.findMarkers(d, 1, 1, 6, 0.5, 2, false));
    }

    @Test
    void touchingObjectsSplitAtAHigherThresholdGetOneMarkerEach() {
        // two peaks joined by a saddle at 0.6: one component at 0.5, two from 1.0 on; the single peak voxels
        // (2 and 6) survive every threshold and are the markers; 1.2 at x=1 vanishes at 1.5 as part of the left
        // object, which still has x=2 left, so it is not a marker of its own
        double[] d = {0, 1.2, 2.1, 0.6, 0.55, 1.1, 2.6, 1, 0};
        assertArrayEquals(new int[] {0, 0, 1, 0, 0, 0, 2, 0, 0},
                InstancePostprocessing.findMarkers(d, 1, 1, 9, 0.5, 2, false));
        // one threshold only: the joined object is one marker
        assertArrayEquals(new int[] {0, 1, 1, 1, 1, 1, 1, 1, 0},
                InstancePostprocessing.findMarkers(d, 1, 1, 9, 0.5, 0.5, false));
    }

    @Test
    void plateauIsOneMarkerAndComponentsAreNumberedInRasterOrder() {
        // 2 x 4 plane: a flat plateau of 2s on the left, a lone 3 top right (numbered second: its first voxel comes
        // later in raster order)
        double[] d = {2, 0, 0, 3,
                      2, 2, 0, 0};
        assertArrayEquals(new int[] {1, 0, 0, 2, 1, 1, 0, 0},
                InstancePostprocessing.findMarkers(d, 1, 2, 4, 1, 1, false));
        // diagonal contact through z as well
        double[] d3 = {1, 0, 0, 0,
                       0, 0, 0, 1};
        assertArrayEquals(new int[] {1, 0, 0, 0, 0, 0, 0, 1}, InstancePostprocessing.findMarkers(d3, 2, 2, 2, 1, 1, false));
    }

    @Test
    void float32MapsCompareWithFloat32Thresholds() {
        // numpy compares a float32 array with 0.7 as 0.7f: 0.7f >= 0.7f, though 0.7f < 0.7 in float64
        double[] d = {(float) 0.7};
        assertArrayEquals(new int[] {1}, InstancePostprocessing.findMarkers(d, 1, 1, 1, 0.7, 0.7, true));
        assertArrayEquals(new int[] {0}, InstancePostprocessing.findMarkers(d, 1, 1, 1, 0.7, 0.7, false));
    }

    @Test
    void lowAboveHighKeepsTheFirstLabelling() {
        // numpy.arange(lo + 0.5, hi + 0.5, 0.5) is empty: the markers are label(d >= lo)
        double[] d = {3, 0, 3};
        assertArrayEquals(new int[] {1, 0, 2}, InstancePostprocessing.findMarkers(d, 1, 1, 3, 2, 1, false));
    }

    // ---- watershed ----

    @Test
    void touchingObjectsOnAPlateauSplitByArrivalOrder() {
        // one mask component, flat image, markers at both ends: the left marker pops first and takes the middle
        double[] img = new double[7];
        byte[] mask = {1, 1, 1, 1, 1, 1, 1};
        assertArrayEquals(new int[] {1, 1, 1, 1, 2, 2, 2},
                Watershed.watershedParallel(img, new int[] {1, 0, 0, 0, 0, 0, 2}, mask, 1, 1, 7));
    }

    @Test
    void anyNonZeroMaskValueIsInsideAndTheCallersMaskIsLeftAlone() {
        // values that are not 1 (2 and 3 are what the component walk marks with) flood like 1; the walk's marks are
        // undone in the in-place watershed and never reach the caller of the copying one
        double[] img = {-1, -3, -2, -0.5, -2, -3, -1, 0, -1};
        byte[] mask = {2, 3, 1, 7, -1, 2, 3, 0, 5};
        byte[] before = mask.clone();
        int[] markers = {0, 1, 0, 0, 0, 2, 0, 0, 0};
        assertArrayEquals(new int[] {1, 1, 1, 1, 2, 2, 2, 0, 0},
                Watershed.watershedParallel(img, markers, mask, 1, 1, 9));
        assertArrayEquals(before, mask);
        float[] img32 = {-1, -3, -2, -0.5f, -2, -3, -1, 0, -1};
        int[] labels = markers.clone();
        Watershed.watershedInPlace(img32, labels, mask, 1, 1, 9);
        assertArrayEquals(new int[] {1, 1, 1, 1, 2, 2, 2, 0, 0}, labels);
        assertArrayEquals(new byte[] {1, 1, 1, 1, 1, 1, 1, 0, 1}, mask);
    }

    @Test
    void touchingObjectsSplitAtTheRidge() {
        // -d of two touching blobs: basins at x=1 and x=5, ridge at x=3 (reached from the left first: lower age)
        double[] img = {-1, -3, -2, -0.5, -2, -3, -1};
        byte[] mask = {1, 1, 1, 1, 1, 1, 1};
        int[] markers = {0, 1, 0, 0, 0, 2, 0};
        assertArrayEquals(new int[] {1, 1, 1, 1, 2, 2, 2}, Watershed.watershedParallel(img, markers, mask, 1, 1, 7));
        // a lower right side takes the ridge voxel: it reaches -0.5 ... no, both reach it from value -2; the right
        // neighbour of the ridge is now lower (-2.5), pops first and claims it
        double[] img2 = {-1, -3, -2, -0.5, -2.5, -3, -1};
        assertArrayEquals(new int[] {1, 1, 1, 2, 2, 2, 2}, Watershed.watershedParallel(img2, markers, mask, 1, 1, 7));
    }

    @Test
    void componentsOfTheMaskAreFloodedIndependently() {
        // x: 0 1 2 | 3 | 4 5 6 | 7 | 8 9
        //    comp A  gap  comp B  gap comp C
        // A has two labels (heap), B one label (filled whole, over its ridge), C none (stays 0);
        // a marker in the gap is outside the mask and dropped
        double[] img = {0, 5, 0, 0, 0, 9, 1, 0, 2, 2};
        byte[] mask = {1, 1, 1, 0, 1, 1, 1, 0, 1, 1};
        int[] markers = {1, 0, 2, 7, 3, 0, 3, 0, 0, 0};
        int[] want = {1, 1, 2, 0, 3, 3, 3, 0, 0, 0};
        assertArrayEquals(want, Watershed.watershedParallel(img, markers, mask, 1, 1, 10));
        assertArrayEquals(want, Watershed.watershed(img, markers, mask, 1, 1, 10));
    }

    @Test
    void parallelEqualsTheGlobalHeapWithoutTies() {
        Random r = new Random(11);
        int nz = 24, ny = 20, nx = 22, n = nz * ny * nx;
        for (int trial = 0; trial < 5; trial++) {
            double[] img = new double[n];
            byte[] mask = new byte[n];
            int[] markers = new int[n];
            for (int i = 0; i < n; i++) {
                img[i] = r.nextDouble(); // distinct values: no ties between markers
                mask[i] = (byte) (r.nextDouble() < 0.62 ? 1 : 0);
                markers[i] = r.nextDouble() < 0.01 ? 1 + r.nextInt(40) : 0;
            }
            assertArrayEquals(Watershed.watershed(img, markers, mask, nz, ny, nx),
                    Watershed.watershedParallel(img, markers, mask, nz, ny, nx), "trial " + trial);
        }
    }

    // ---- distance transform and float64 smoothing ----

    @Test
    void distanceTransformOfTouchingCubesIsThatOfOneObject() {
        // two 3x3x3 cubes touching along x (x = 1..3 and 4..6) inside a 5x5x8 box of zeros: along the centre line
        // the distance is min(2, x, 7 - x); the contact face has no background
        int nz = 5, ny = 5, nx = 8;
        byte[] m = new byte[nz * ny * nx];
        for (int z = 1; z <= 3; z++) {
            for (int y = 1; y <= 3; y++) {
                for (int x = 1; x <= 6; x++) {
                    m[(z * ny + y) * nx + x] = 1;
                }
            }
        }
        float[] e = DistanceTransform.edt(m, nz, ny, nx);
        float[] line = new float[nx];
        System.arraycopy(e, (2 * ny + 2) * nx, line, 0, nx);
        assertArrayEquals(new float[] {0, 1, 2, 2, 2, 2, 1, 0}, line);
        assertEquals(1f, e[(1 * ny + 1) * nx + 3]); // corner row of the contact face: one step to the outside
    }

    @Test
    void float64GaussianMatchesScipy() {
        // within an ulp or two: numpy's exp (hence SciPy's kernel) is CPU dependent, ours is StrictMath's
        Expected e = new Expected("instance_postprocessing.txt");
        double[] in = e.doubles("gauss64_in");
        assertArrayEquals(e.doubles("gauss64_out"),
                GaussianFilter.filter(in, 1, 1, in.length, 0.5, 0.5, 0.5, GaussianFilter.Mode.NEAREST), 1e-14);
        // a float64 pass is not rounded to float32
        double[] one = {0, 0.1, 0};
        double[] out = GaussianFilter.filter(one, 1, 1, 3, 0, 0, 0.5, GaussianFilter.Mode.CONSTANT);
        assertEquals(0.1 * GaussianFilter.kernel(0.5)[2], out[1], 0.0);
    }

    // ---- the whole post-processing against skimage / SciPy ----

    @Test
    void matchesTheReferencePostprocessing() {
        Expected e = new Expected("instance_postprocessing.txt");
        float[] fg = e.floats("foreground");
        float[] d = e.floats("distances");
        int n = 20;
        Object[][] cases = {{"t0", 0.0, 2.0, 0.5, 0}, {"t1", 0.0, 2.0, 0.5, 1}, {"t2", 0.5, 3.0, 0.4, 2},
                {"eq", 1.0, 1.0, 0.5, 1}, {"raw", 0.0, 1.5, 1.0, 0}};
        for (Object[] c : cases) {
            String name = (String) c[0];
            InstancePostprocessing.Parameters p = new InstancePostprocessing.Parameters((double) c[3], (double) c[1],
                    (double) c[2], (int) c[4]);
            InstancePostprocessing.CentreMap map = InstancePostprocessing.centreMap(fg, d, n, n, n, p);
            if (name.equals("t0")) { // float32 values
                assertArrayEquals(e.floats(name + "_centre"), map.float32(), name + " centre map");
            } else if (name.equals("t1")) { // float64 after the distance transform: up to numpy's exp ulps
                assertArrayEquals(e.doubles(name + "_centre"), map.float64(), 1e-12, name + " centre map");
            }
            int[] markers = InstancePostprocessing.findMarkers(map, n, n, n, p.minCenterDistance(),
                    p.maxCenterDistance());
            assertArrayEquals(e.ints(name + "_markers"), markers, name + " markers");
            assertArrayEquals(e.ints(name + "_instances"), InstancePostprocessing.segment(fg, d, n, n, n, p),
                    name + " instances");
        }
    }

    @Test
    void slabsGiveTheWholeVolumesCentreMap() {
        // the definition on whole arrays, against slabs thinner than the filters' halos and thicker ones
        int nz = 23, ny = 9, nx = 11, n = nz * ny * nx;
        java.util.Random r = new java.util.Random(7);
        float[] fg = new float[n], dist = new float[n];
        for (int i = 0; i < n; i++) {
            // sparse holes: distances to the background beyond the clip at 5, and windows without background
            fg[i] = i % 400 < 100 && r.nextFloat() < 0.05 ? 0.1f * r.nextFloat() : 0.7f + 0.3f * r.nextFloat();
            dist[i] = 6 * r.nextFloat() - 1;
        }
        for (int type = 0; type <= 2; type++) {
            InstancePostprocessing.Parameters p = new InstancePostprocessing.Parameters(0.5, 0.5, 3, type);
            float[] d = GaussianFilter.filter(dist, nz, ny, nx, 0.5, 0.5, 0.5, GaussianFilter.Mode.NEAREST);
            float[] f = GaussianFilter.filter(fg, nz, ny, nx, 0.5, 0.5, 0.5, GaussianFilter.Mode.NEAREST);
            byte[] mask = new byte[n];
            for (int i = 0; i < n; i++) {
                d[i] = d[i] < 0 || f[i] < 0.5f ? 0 : d[i];
                mask[i] = f[i] >= 0.5f ? (byte) 1 : 0;
            }
            int[] d2 = DistanceTransform.squaredEdt(mask, nz, ny, nx);
            double[] e = new double[n];
            for (int i = 0; i < n; i++) {
                e[i] = Math.min(Math.sqrt(d2[i]), 5.0);
            }
            double[] es = GaussianFilter.filter(e, nz, ny, nx, 0.5, 0.5, 0.5, GaussianFilter.Mode.NEAREST);
            for (int step : new int[] {1, 3, 8, 30}) {
                InstancePostprocessing.CentreMap c = InstancePostprocessing.centreMap(
                        InstancePostprocessing.Planes.of(fg, ny, nx), InstancePostprocessing.Planes.of(dist, ny, nx),
                        nz, ny, nx, p, step);
                String what = "type " + type + ", slabs of " + step;
                assertArrayEquals(mask, c.mask(), what);
                for (int i = 0; i < n; i++) {
                    double want = type == 0 ? d[i] : type == 2 ? es[i] : ((double) d[i] + es[i]) / 2;
                    assertEquals(want, c.at(i), 0.0, what + ", voxel " + i);
                }
            }
        }
    }

    // ---- multicut merge ----

    @Test
    void multicutJoinsAcrossAWeakBoundaryAndKeepsAStrongOne() {
        // the first dumbbell (no boundary at its waist) becomes one instance, the second (a 0.9 plate) stays two
        DumbbellPhantom p = new DumbbellPhantom();
        int nz = DumbbellPhantom.NZ;
        int ny = DumbbellPhantom.NY;
        int nx = DumbbellPhantom.NX;
        int[] ws = InstancePostprocessing.segment(p.foreground, p.distances, nz, ny, nx,
                new InstancePostprocessing.Parameters(0.5, 4, 4, 0));
        assertEquals(4, ConnectedComponents.count(ws), "the watershed splits both dumbbells");
        for (int k = 0; k < 4; k++) {
            assertEquals(k + 1, ws[DumbbellPhantom.centre(k)]);
        }
        int[] merged = InstancePostprocessing.multicutMerge(ws, p.boundaries, nz, ny, nx, 0.5);
        int[] want = {0, 1, 1, 2, 3};
        for (int i = 0; i < ws.length; i++) {
            assertEquals(want[ws[i]], merged[i], "voxel " + i + " of watershed region " + ws[i]);
        }
    }

    @Test
    void regionsInTheBackgroundsClusterStaySeparateAndComeFirst() {
        // a line of watershed regions 0 0 5 5 2 2 7 7 3 3 with a strong boundary only between 2 and 7: the
        // background joins 5 and 2, whose cluster the reference leaves as separate regions (numbered first, by
        // id: 2 -> 1, 5 -> 2); 7 and 3 form one instance (3); the background stays 0
        int[] ws = {0, 0, 5, 5, 2, 2, 7, 7, 3, 3};
        float[] b = {0, 0, 0, 0, 0, 1, 1, 0, 0, 0};
        assertArrayEquals(new int[] {0, 0, 2, 2, 1, 1, 3, 3, 3, 3},
                InstancePostprocessing.multicutMerge(ws, b, 1, 1, 10, 0.5));
        // a strong boundary around the background instead: it stays alone, the weak-joined regions merge
        float[] c = {0, 1, 1, 0, 0, 1, 1, 0, 0, 0};
        assertArrayEquals(new int[] {0, 0, 1, 1, 1, 1, 2, 2, 2, 2},
                InstancePostprocessing.multicutMerge(ws, c, 1, 1, 10, 0.5));
    }
}
