package org.cryosiam.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

class BinaryErosionTest {

    @Test
    void borderCountsAsForegroundOrBackground() {
        // one plane, 3x4, all ones except one hole:
        // 1 1 1 1        border=1:  1 . 1 1      border=0: . . . .
        // 1 0 1 1                   . . . 1                . . . .
        // 1 1 1 1                   1 . 1 1                . . . .
        byte[] m = {1, 1, 1, 1,
                    1, 0, 1, 1,
                    1, 1, 1, 1};
        assertArrayEquals(new byte[] {1, 0, 1, 1,
                                      0, 0, 0, 1,
                                      1, 0, 1, 1}, BinaryErosion.erode(m, 1, 3, 4, true));
        assertArrayEquals(new byte[12], BinaryErosion.erode(m, 1, 3, 4, false));
    }

    @Test
    void crossDoesNotLookAtDiagonals() {
        // 3x3x3 cube of ones with one corner removed: with border=0 only the centre could survive,
        // and it does because the corner is not a face neighbour
        byte[] m = new byte[27];
        java.util.Arrays.fill(m, (byte) 1);
        m[0] = 0;
        byte[] out = BinaryErosion.erode(m, 3, 3, 3, false);
        byte[] expected = new byte[27];
        expected[13] = 1;
        assertArrayEquals(expected, out);
    }

    @Test
    void matchesScipyOnRandom20Cube() {
        Expected e = new Expected("erosion_20.txt");
        byte[] m = e.bytes("mask");
        assertArrayEquals(e.bytes("border1"), BinaryErosion.erode(m, 20, 20, 20, true));
        assertArrayEquals(e.bytes("border0"), BinaryErosion.erode(m, 20, 20, 20, false));
    }
}
