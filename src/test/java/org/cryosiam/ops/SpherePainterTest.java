package org.cryosiam.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Balls of the sphere-mask commands. Radius 2 holds the integer offsets with {@code dz² + dy² + dx² ≤ 4}:
 * 1 (centre) + 6 (distance 1) + 12 (√2) + 8 (√3) + 6 (distance 2) = 33 voxels. Cut by a face through its centre, the
 * half on the inner side keeps the centre plane (the disc x² + y² ≤ 4: 1 + 4 + 4 + 4 = 13), the plane at depth 1
 * (x² + y² ≤ 3: 9) and the pole (1): 23 voxels.
 */
class SpherePainterTest {
    private static final int N = 9;

    private static int count(byte[] v, byte value) {
        int c = 0;
        for (byte b : v) {
            c += b == value ? 1 : 0;
        }
        return c;
    }

    private static byte at(byte[] v, int z, int y, int x) {
        return v[(z * N + y) * N + x];
    }

    @Test
    void radiusTwoHas33VoxelsWithinDistanceTwo() {
        byte[] v = new byte[N * N * N];
        assertEquals(33, SpherePainter.paint(v, N, N, N, 4, 4, 4, 2, (byte) 1));
        assertEquals(33, count(v, (byte) 1));
        for (int z = 0; z < N; z++) {
            for (int y = 0; y < N; y++) {
                for (int x = 0; x < N; x++) {
                    int d2 = (z - 4) * (z - 4) + (y - 4) * (y - 4) + (x - 4) * (x - 4);
                    assertEquals(d2 <= 4 ? 1 : 0, at(v, z, y, x), "voxel " + z + "," + y + "," + x);
                }
            }
        }
        assertEquals(1, at(v, 4, 4, 6)); // distance 2: in
        assertEquals(0, at(v, 4, 5, 6)); // √5: out
        assertEquals(1, at(v, 5, 5, 5)); // √3: in
    }

    @Test
    void radiusZeroIsTheCentreVoxel() {
        byte[] v = new byte[N * N * N];
        assertEquals(1, SpherePainter.paint(v, N, N, N, 0, 8, 3, 0, (byte) 7));
        assertEquals(7, at(v, 0, 8, 3));
    }

    @Test
    void clippedAtEachFace() {
        int[][] centres = {{0, 4, 4}, {8, 4, 4}, {4, 0, 4}, {4, 8, 4}, {4, 4, 0}, {4, 4, 8}};
        for (int[] c : centres) {
            byte[] v = new byte[N * N * N];
            assertEquals(23, SpherePainter.paint(v, N, N, N, c[0], c[1], c[2], 2, (byte) 1));
            assertEquals(23, count(v, (byte) 1), "centre on a face " + java.util.Arrays.toString(c));
        }
        // a corner keeps one octant: offsets ≥ 0 with d² ≤ 4: 1 + 3 + 3 + 1 + 3 = 11
        byte[] corner = new byte[N * N * N];
        assertEquals(11, SpherePainter.paint(corner, N, N, N, 8, 8, 0, 2, (byte) 1));
    }

    @Test
    void centreOutsideTheVolumePaintsThePartThatReachesIn() {
        // centre one voxel above z = 0: plane z = 0 is at depth 1 (9 voxels), z = 1 is the pole (1)
        byte[] v = new byte[N * N * N];
        assertEquals(10, SpherePainter.paint(v, N, N, N, -1, 4, 4, 2, (byte) 1));
        assertEquals(1, at(v, 1, 4, 4));
        assertEquals(0, at(v, 2, 4, 4));
        // far outside: nothing
        assertEquals(0, SpherePainter.paint(v, N, N, N, 4, 4, 20, 2, (byte) 1));
        assertEquals(10, count(v, (byte) 1));
    }

    @Test
    void laterPaintWins() {
        byte[] v = new byte[N * N * N];
        SpherePainter.paint(v, N, N, N, 4, 4, 3, 2, (byte) 1);
        SpherePainter.paint(v, N, N, N, 4, 4, 5, 2, (byte) 2);
        assertEquals(2, at(v, 4, 4, 4));
        assertEquals(1, at(v, 4, 4, 1));
        assertEquals(33, count(v, (byte) 2));
    }
}
