package org.cryosiam.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

class ExpandLabelsTest {

    @Test
    void growsUpToTheDistanceAndTiesGoToTheEarlierLabelLikeSkimage() {
        // 1 . . . 2  -> distance 2: the middle voxel is 2 away from both; skimage gives it 1
        int[] l = {1, 0, 0, 0, 2};
        assertArrayEquals(new int[] {1, 1, 1, 2, 2}, ExpandLabels.expand(l, 1, 1, 5, 2));
        assertArrayEquals(new int[] {1, 1, 0, 2, 2}, ExpandLabels.expand(l, 1, 1, 5, 1));
    }

    @Test
    void euclideanNotCityBlock() {
        // label in the corner of a 3x3 plane, distance 1.5: (1,1) is sqrt(2) away (in), (0,2) is 2 away (out)
        int[] l = {3, 0, 0, 0, 0, 0, 0, 0, 0};
        assertArrayEquals(new int[] {3, 3, 0, 3, 3, 0, 0, 0, 0}, ExpandLabels.expand(l, 1, 3, 3, 1.5));
    }

    @Test
    void noLabelsGivesNoLabels() {
        assertArrayEquals(new int[4], ExpandLabels.expand(new int[4], 1, 2, 2, 3));
    }

    @Test
    void matchesSkimageIncludingTies() {
        Expected e = new Expected("edt_16.txt");
        int[] seeds = e.ints("seeds");
        assertArrayEquals(e.ints("expand3"), ExpandLabels.expand(seeds, 16, 16, 16, 3));
        assertArrayEquals(e.ints("expand1_5"), ExpandLabels.expand(seeds, 16, 16, 16, 1.5));
    }
}
