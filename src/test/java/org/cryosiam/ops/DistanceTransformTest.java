package org.cryosiam.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class DistanceTransformTest {

    @Test
    void lineWithBackgroundAtOneEndOnly() {
        // 0 1 1 1 1 : the right end is not background, the distance keeps growing
        byte[] m = {0, 1, 1, 1, 1};
        assertArrayEquals(new float[] {0, 1, 2, 3, 4}, DistanceTransform.edt(m, 1, 1, 5), 0f);
    }

    @Test
    void cubeInsideBackground() {
        // 5x5x5 zeros with a 3x3x3 cube of ones in the middle: faces 1, the centre 2
        byte[] m = new byte[125];
        for (int z = 1; z < 4; z++) {
            for (int y = 1; y < 4; y++) {
                for (int x = 1; x < 4; x++) {
                    m[(z * 5 + y) * 5 + x] = 1;
                }
            }
        }
        float[] d = DistanceTransform.edt(m, 5, 5, 5);
        assertEquals(2f, d[62], 0f);
        assertEquals(1f, d[(1 * 5 + 1) * 5 + 1], 0f);
        assertEquals(1f, d[(1 * 5 + 2) * 5 + 2], 0f);
        assertEquals(0f, d[0], 0f);
    }

    @Test
    void diagonalDistance() {
        // plane 3x3, background only at (0,0): (2,2) is sqrt(8) away
        byte[] m = {0, 1, 1, 1, 1, 1, 1, 1, 1};
        float[] d = DistanceTransform.edt(m, 1, 3, 3);
        assertEquals((float) Math.sqrt(8), d[8], 0f);
        assertEquals((float) Math.sqrt(5), d[5], 0f);
    }

    @Test
    void noBackgroundMeasuresToTheLeftOverFeatureLikeScipy() {
        // scipy.ndimage.distance_transform_edt(np.ones((2, 2, 3))): distances to (-1, 0, 0)
        float[] d = DistanceTransform.edt(new byte[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, 2, 2, 3);
        assertEquals(1f, d[0], 0f);
        assertEquals((float) Math.sqrt(5), d[2], 0f);
        assertEquals(3f, d[11], 0f);
    }

    @Test
    void matchesScipyOnRandom16Cube() {
        Expected e = new Expected("edt_16.txt");
        int[] d2 = DistanceTransform.squaredEdt(e.bytes("mask"), 16, 16, 16);
        assertArrayEquals(e.ints("edt2"), d2);
    }

    @Test
    void featureTransformPicksTheSameNearestVoxelAsScipy() {
        Expected e = new Expected("edt_16.txt");
        int[] seeds = e.ints("seeds");
        byte[] bg = new byte[seeds.length];
        for (int i = 0; i < seeds.length; i++) {
            bg[i] = (byte) (seeds[i] == 0 ? 1 : 0);
        }
        assertArrayEquals(e.ints("ft"), DistanceTransform.featureTransform(bg, 16, 16, 16));
    }
}
