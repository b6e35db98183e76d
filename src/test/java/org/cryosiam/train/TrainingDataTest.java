package org.cryosiam.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** Signed distances, patch positions and augmentation on arrays small enough to check by eye. */
class TrainingDataTest {
    @Test
    void signedDistanceIsPositiveInsideAndStopsAtTheBorder() {
        // one row of 7 voxels: mask on x = 1..3
        byte[] mask = {0, 1, 1, 1, 0, 0, 0};
        float[] d = TrainingData.signedDistance(mask, 1, 1, 7);
        // inside: distance to the nearest background voxel; outside: minus the distance to the mask, the volume's
        // outside counting as background for both (edt black_border), so values stop growing at the border
        assertArrayEquals(new float[] {-1, 1, 1, 1, -1, -1, -1}, d);
        byte[] row = {0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0};
        float[] e = TrainingData.signedDistance(row, 1, 1, 11);
        assertArrayEquals(new float[] {-1, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1}, e); // one row: the y/z border is 1 away
        byte[] cube = new byte[5 * 5 * 5];
        cube[(2 * 5 + 2) * 5 + 2] = 1;
        float[] c = TrainingData.signedDistance(cube, 5, 5, 5);
        assertEquals(1f, c[(2 * 5 + 2) * 5 + 2]);
        assertEquals(-1f, c[(2 * 5 + 2) * 5 + 3]);
        assertEquals(-(float) Math.sqrt(2), c[(2 * 5 + 3) * 5 + 3], 1e-6);
        assertEquals(-1f, c[0]); // a corner: the border is one voxel away
    }

    @Test
    void distanceMapsPerClass() {
        int[] labels = {0, 1, 1, 2, 0};
        float[] d = TrainingData.distanceMaps(labels, 1, 1, 5, 3);
        assertEquals(15, d.length);
        assertArrayEquals(new float[] {1, -1, -1, -1, 1}, java.util.Arrays.copyOfRange(d, 0, 5));
        assertArrayEquals(new float[] {-1, 1, 1, -1, -1}, java.util.Arrays.copyOfRange(d, 5, 10));
        float[] one = TrainingData.distanceMaps(labels, 1, 1, 5, 1); // one class: labels > 0
        assertArrayEquals(new float[] {-1, 1, 1, 1, -1}, one);
    }

    @Test
    void patchStartsFollowMonaiWithoutPadding() {
        List<int[]> s = TrainingData.patchStarts(new int[] {40, 52, 47}, new int[] {32, 32, 32}, 0.5);
        assertEquals(2, s.size());
        assertArrayEquals(new int[] {0, 16, 0}, s.get(1));
        assertEquals(6, TrainingData.patchStarts(new int[] {33, 64, 61}, new int[] {32, 32, 32}, 0.5).size());
        assertEquals(0, TrainingData.patchStarts(new int[] {31, 64, 61}, new int[] {32, 32, 32}, 0.5).size());
        assertEquals(9, TrainingData.patchStarts(new int[] {4, 6, 6}, new int[] {4, 2, 2}, 0).size());
        float[] a = new float[2 * 2 * 3 * 4];
        for (int i = 0; i < a.length; i++) {
            a[i] = i;
        }
        float[] p = TrainingData.crop(a, 2, new int[] {2, 3, 4}, new int[] {1, 1, 2}, new int[] {1, 2, 2});
        assertArrayEquals(new float[] {18, 19, 22, 23, 42, 43, 46, 47}, p);
    }

    @Test
    void augmentationIsSeededAndKeepsImageLabelsAndDistancesAligned() {
        int n = 6;
        float[] img = new float[n * n * n];
        int[] lab = new int[n * n * n];
        float[] dist = new float[2 * n * n * n];
        for (int i = 0; i < img.length; i++) {
            img[i] = i;
            lab[i] = i;
            dist[i] = i;
            dist[img.length + i] = -i;
        }
        Sample s = new Sample("s", img, lab, dist, 2, n, n, n);
        Augment.Spec flipOnly = new Augment.Spec(null, null, null, null, false, true, null);
        for (int seed = 0; seed < 5; seed++) {
            Sample a = Augment.apply(s, flipOnly, new Random(seed));
            Sample b = Augment.apply(s, flipOnly, new Random(seed));
            assertArrayEquals(a.image(), b.image());
            for (int i = 0; i < img.length; i++) {
                assertEquals(a.image()[i], a.labels()[i]); // identity pick + flips: the same voxel everywhere
                assertEquals(a.image()[i], a.distances()[i]);
                assertEquals(-a.image()[i], a.distances()[img.length + i], 0f);
            }
        }
        Augment.Spec all = new Augment.Spec(new double[] {0.1, 0.6}, new double[] {0.1, 0.2}, new double[] {4, 6},
                new double[] {0.01, 0.05}, true, true, 0.1);
        Sample x = Augment.apply(s, all, new Random(1));
        assertArrayEquals(x.image(), Augment.apply(s, all, new Random(1)).image());
        assertNotEquals(java.util.Arrays.toString(x.image()), java.util.Arrays.toString(
                Augment.apply(s, all, new Random(2)).image()));
    }
}
