package org.cryosiam.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** Elastic deformation, zoom and rotation of {@link Augment}: geometry, identities, label integrity, alignment. */
class AugmentSpatialTest {
    /** Image = z, distances = (y, x) of each voxel; labels = 1 + the voxel's linear index. */
    static Sample coordinates(int nz, int ny, int nx) {
        int n = nz * ny * nx;
        float[] img = new float[n];
        float[] dist = new float[2 * n];
        int[] lab = new int[n];
        for (int z = 0; z < nz; z++) {
            for (int y = 0; y < ny; y++) {
                for (int x = 0; x < nx; x++) {
                    int i = (z * ny + y) * nx + x;
                    img[i] = z;
                    dist[i] = y;
                    dist[n + i] = x;
                    lab[i] = i + 1;
                }
            }
        }
        return new Sample("c", img, lab, dist, 2, nz, ny, nx);
    }

    static Augment.Spec spatialOnly(double[] elastic, double[] zoom, double[] rotate) {
        return new Augment.Spec(null, null, null, null, false, false, null, elastic, zoom, rotate);
    }

    @Test
    void ninetyDegreesAboutZMapsAKnownAsymmetricPatch() {
        int nz = 3, n = 5;
        // an L-shaped label: class 1 along y at x = 0, class 2 along x at y = n-1 (except the corner), per slice
        int[] lab = new int[nz * n * n];
        for (int z = 0; z < nz; z++) {
            for (int y = 0; y < n; y++) {
                lab[(z * n + y) * n] = 1;
            }
            for (int x = 1; x < n; x++) {
                lab[(z * n + n - 1) * n + x] = 2;
            }
        }
        float[] img = new float[lab.length];
        float[] dist = new float[lab.length];
        for (int i = 0; i < lab.length; i++) {
            img[i] = lab[i] * 10 + i % 7; // asymmetric values too
            dist[i] = -lab[i];
        }
        Sample s = new Sample("L", img, lab, dist, 1, nz, n, n);
        Sample r = Augment.spatial(s, null, 1, new double[] {Math.PI / 2, 0, 0});
        // MONAI's Rx(π/2) maps output (z, y, x) to input (z, n-1-x, y)
        for (int z = 0; z < nz; z++) {
            for (int y = 0; y < n; y++) {
                for (int x = 0; x < n; x++) {
                    int o = (z * n + y) * n + x;
                    int src = (z * n + (n - 1 - x)) * n + y;
                    assertEquals(lab[src], r.labels()[o], "label at " + z + "," + y + "," + x);
                    assertEquals(img[src], r.image()[o], 1e-5f);
                    assertEquals(dist[src], r.distances()[o], 1e-5f);
                }
            }
        }
        // the class-1 bar along y at x = 0 becomes the row y = 0; the class-2 row y = n-1 (x ≥ 1) the column x = 0
        for (int x = 0; x < n; x++) {
            assertEquals(1, r.labels()[x], "row y=0");
        }
        for (int y = 1; y < n; y++) {
            assertEquals(2, r.labels()[y * n], "column x=0");
            for (int x = 1; x < n; x++) {
                assertEquals(0, r.labels()[y * n + x]);
            }
        }
    }

    @Test
    void zoomOneAndRotationZeroAreIdentities() {
        Sample s = coordinates(6, 7, 8);
        Sample t = Augment.spatial(s, null, 1, new double[] {0, 0, 0});
        assertArrayEquals(s.image(), t.image());
        assertArrayEquals(s.labels(), t.labels());
        assertArrayEquals(s.distances(), t.distances());
        Augment.Spec spec = spatialOnly(null, new double[] {1, 1}, new double[] {0, 0, 0});
        for (int seed = 0; seed < 5; seed++) {
            Sample a = Augment.apply(s, spec, new Random(seed));
            assertArrayEquals(s.image(), a.image());
            assertArrayEquals(s.labels(), a.labels());
            assertArrayEquals(s.distances(), a.distances());
        }
    }

    @Test
    void zoomMagnifiesAboutTheCentreWithZerosOutside() {
        Sample s = coordinates(9, 9, 9);
        Sample big = Augment.spatial(s, null, 2, null); // out(p) = in(c + (p − c)/2), c = 4
        assertEquals(2f, big.image()[0], 1e-6f);
        assertEquals(4f, big.image()[(4 * 9 + 4) * 9 + 4], 1e-6f);
        assertEquals(2.5f, big.image()[(1 * 9 + 4) * 9 + 4], 1e-6f); // between voxels: trilinear
        Sample small = Augment.spatial(s, null, 0.5, null); // corners map to c ± 8: outside
        assertEquals(0, small.labels()[0]);
        assertEquals(0f, small.image()[8 * 81 + 8 * 9 + 8]);
        assertEquals(s.labels()[(4 * 9 + 4) * 9 + 4], small.labels()[(4 * 9 + 4) * 9 + 4]);
    }

    @Test
    void labelsStayFromTheInputSetAndTheThreeStayAligned() {
        Sample s = coordinates(16, 16, 16);
        Augment.Spec spec = spatialOnly(new double[] {50, 100}, new double[] {0.8, 1.2},
                new double[] {3.14, 3.14, 3.14});
        Set<Integer> allowed = new HashSet<>();
        Arrays.stream(s.labels()).forEach(allowed::add);
        allowed.add(0); // outside the patch
        int n = s.voxels();
        int moved = 0;
        for (int seed = 0; seed < 6; seed++) {
            Sample t = Augment.apply(s, spec, new Random(seed));
            assertArrayEquals(t.labels(), Augment.apply(s, spec, new Random(seed)).labels()); // reproducible
            for (int i = 0; i < n; i++) {
                int l = t.labels()[i];
                assertTrue(allowed.contains(l), "label " + l);
                if (l == 0) {
                    assertEquals(0f, t.image()[i]);
                    assertEquals(0f, t.distances()[i]);
                    continue;
                }
                int src = l - 1, z = src / 256, y = src / 16 % 16, x = src % 16;
                // the nearest source voxel of the label is within half a voxel of the point the image sampled
                assertEquals(z, t.image()[i], 0.5 + 1e-4, "z at " + i);
                assertEquals(y, t.distances()[i], 0.5 + 1e-4, "y at " + i);
                assertEquals(x, t.distances()[n + i], 0.5 + 1e-4, "x at " + i);
                if (l != i + 1) {
                    moved++;
                }
            }
        }
        assertTrue(moved > n, "hardly anything moved: " + moved);
        assertFalse(Arrays.equals(Augment.apply(s, spec, new Random(1)).labels(),
                Augment.apply(s, spec, new Random(2)).labels()));
    }

    @Test
    void elasticOffsetsAreSmoothAndBounded() {
        int n = 24;
        float[] d = Augment.elasticField(n, n, n, 5, 100, new Random(3));
        float max = 0;
        double step = 0;
        for (int i = 0; i < d.length; i++) {
            max = Math.max(max, Math.abs(d[i]));
            if (i % n != n - 1) {
                step = Math.max(step, Math.abs(d[i + 1] - d[i]));
            }
        }
        assertTrue(max > 0.05 && max < 100, "max offset " + max);
        assertTrue(step < 0.5 * max, "not smooth: step " + step + " vs max " + max);
        Sample s = coordinates(n, n, n);
        Sample t = Augment.spatial(s, d, 1, null);
        int v = (12 * n + 12) * n + 12; // centre: sampled at its own position plus the offset there
        assertEquals(12 + d[v], t.image()[v], 1e-4);
        assertEquals(12 + d[n * n * n + v], t.distances()[v], 1e-4);
        assertEquals(12 + d[2 * n * n * n + v], t.distances()[n * n * n + v], 1e-4);
    }

    @Test
    void reflectionFoldsBackIntoThePatch() {
        assertEquals(0.0, Augment.reflect(-1.0, 10), 1e-12); // mirrored about −0.5
        assertEquals(9.0, Augment.reflect(10.0, 10), 1e-12);
        assertEquals(3.25, Augment.reflect(3.25, 10), 1e-12);
    }
}
