package org.cryosiam.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class QualityTest {
    @Test
    void dicePerClass() {
        int[] truth = {0, 1, 1, 1, 2, 2, 0, 0};
        int[] pred = {0, 1, 1, 0, 2, 0, 2, 0};
        assertEquals(2.0 * 2 / (2 + 3), Quality.dice(pred, truth, 1), 1e-12);
        assertEquals(2.0 * 1 / (2 + 2), Quality.dice(pred, truth, 2), 1e-12);
        assertTrue(Double.isNaN(Quality.dice(pred, truth, 3)), "absent from both");
        assertEquals(0.0, Quality.dice(new int[] {3, 0}, new int[] {0, 0}, 3));
    }

    @Test
    void instanceF1AtIouHalf() {
        // truth: A = voxels 0..3, B = 6..7, C = 10;  pred: 7 = 0..2 (IoU 3/4 with A), 9 = 5..7 (IoU 2/3 with B),
        // 8 = 9..11 (IoU 1/3 with C: not a match), 4 = 13 (false positive)
        int[] truth = {1, 1, 1, 1, 0, 0, 2, 2, 0, 0, 3, 0, 0, 0};
        int[] pred = {7, 7, 7, 0, 0, 9, 9, 9, 0, 8, 8, 8, 0, 4};
        Quality.Matching m = Quality.instances(pred, truth, 0.5);
        assertEquals(2, m.truePositives());
        assertEquals(4, m.predicted());
        assertEquals(3, m.actual());
        assertEquals(0.5, m.precision(), 1e-12);
        assertEquals(2.0 / 3, m.recall(), 1e-12);
        assertEquals(4.0 / 7, m.f1(), 1e-12);
        assertEquals(1.0, Quality.instances(truth, truth, 0.5).f1(), 1e-12);
        assertTrue(Double.isNaN(Quality.instances(new int[3], new int[3], 0.5).f1()));
    }

    @Test
    void oneTrueInstanceIsMatchedOnce() {
        // two halves of one true instance, each IoU exactly 0.5: only one counts
        int[] truth = {5, 5, 5, 5};
        int[] pred = {1, 1, 2, 2};
        Quality.Matching m = Quality.instances(pred, truth, 0.5);
        assertEquals(1, m.truePositives());
        assertEquals(2.0 / 3, m.f1(), 1e-12);
    }

    @Test
    void majorityClassAndPurity() {
        int[] instances = {1, 1, 1, 2, 2, 3, 3, 0, 4};
        int[] classes = {2, 2, 3, 0, 3, 0, 0, 2, 2};
        assertArrayEquals(new int[] {2, 3, 0, 2}, Quality.majorityClass(instances, classes, new long[] {1, 2, 3, 4}));
        // clusters {1: classes 2,2,3}, {2: class 3, and an unmatched item}
        Quality.Purity p = Quality.purity(new int[] {1, 1, 1, 2, 2}, new int[] {2, 2, 3, 3, 0});
        assertEquals(3.0 / 4, p.purity(), 1e-12);
        assertEquals(4, p.items());
        assertEquals(2, p.clusters());
        assertTrue(Double.isNaN(Quality.purity(new int[] {1}, new int[] {0}).purity()));
    }

    @Test
    void pearson() {
        assertEquals(1.0, Quality.pearson(new float[] {1, 2, 3}, new float[] {2, 4, 6}), 1e-12);
        assertEquals(-1.0, Quality.pearson(new float[] {1, 2, 3}, new float[] {0, -1, -2}), 1e-12);
        assertTrue(Double.isNaN(Quality.pearson(new float[] {1, 1}, new float[] {0, 1})));
    }
}
