package org.cryosiam.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ConnectedComponentsTest {

    @Test
    void labellingIntoAnArrayLeavesTheOtherVoxelsAlone() {
        // a random mask over many slabs: the same labels as a fresh labelling where it holds, the old values elsewhere
        int nz = 80, ny = 30, nx = 31, n = nz * ny * nx; // enough work for several slabs on two cores
        Random r = new Random(3);
        byte[] m = new byte[n];
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            m[i] = r.nextInt(3) == 0 ? (byte) 1 : 0;
            out[i] = -1 - r.nextInt(5);
        }
        int[] fresh = ConnectedComponents.label(m, nz, ny, nx, 26);
        int count = ConnectedComponents.labelWhereInto(i -> m[i] != 0, out, nz, ny, nx, 26);
        assertEquals(ConnectedComponents.count(fresh), count);
        Random again = new Random(3);
        for (int i = 0; i < n; i++) {
            again.nextInt(3);
            int old = -1 - again.nextInt(5);
            assertEquals(m[i] != 0 ? fresh[i] : old, out[i], "voxel " + i);
        }
    }

    @Test
    void diagonalNeighboursJoinOnlyWithFullConnectivity() {
        // z=0        z=1
        // 1 . .      . . .
        // . . .      . 1 .     the two voxels touch by a corner only
        byte[] m = new byte[18];
        m[0] = 1;
        m[9 + 4] = 1;
        int[] six = ConnectedComponents.label(m, 2, 3, 3, 6);
        int[] eighteen = ConnectedComponents.label(m, 2, 3, 3, 18);
        int[] full = ConnectedComponents.label(m, 2, 3, 3, 26);
        assertEquals(1, six[0]);
        assertEquals(2, six[13]);
        assertEquals(2, eighteen[13]);
        assertEquals(1, full[13]);
        assertEquals(1, ConnectedComponents.count(full));
    }

    @Test
    void edgeNeighboursJoinWith18() {
        // 1 .
        // . 1   (in one plane: an edge contact in 3-D terms)
        byte[] m = {1, 0, 0, 1};
        assertArrayEquals(new int[] {1, 0, 0, 2}, ConnectedComponents.label(m, 1, 2, 2, 6));
        assertArrayEquals(new int[] {1, 0, 0, 1}, ConnectedComponents.label(m, 1, 2, 2, 18));
    }

    @Test
    void numbersComponentsInRasterOrderOfTheirFirstVoxel() {
        // . . 1 . 1       the U-shaped object starting at x=2 is number 1 although
        // 2 . 1 . 1       its right arm is met first in a later row; the lone voxel is 2
        // . . 1 1 1
        byte[] m = {0, 0, 1, 0, 1,
                    1, 0, 1, 0, 1,
                    0, 0, 1, 1, 1};
        int[] l = ConnectedComponents.label(m, 1, 3, 5, 6);
        assertArrayEquals(new int[] {0, 0, 1, 0, 1,
                                     2, 0, 1, 0, 1,
                                     0, 0, 1, 1, 1}, l);
    }

    @Test
    void intInputConnectsEqualValuesOnly() {
        int[] v = {1, 1, 2, 2, 0, 1};
        assertArrayEquals(new int[] {1, 1, 2, 2, 0, 3}, ConnectedComponents.label(v, 1, 1, 6, 26));
    }

    @Test
    void matchesSkimageOnRandom20Cube() {
        Expected e = new Expected("label_20.txt");
        byte[] m = e.bytes("mask");
        assertArrayEquals(e.ints("l6"), ConnectedComponents.label(m, 20, 20, 20, 6));
        assertArrayEquals(e.ints("l18"), ConnectedComponents.label(m, 20, 20, 20, 18));
        assertArrayEquals(e.ints("l26"), ConnectedComponents.label(m, 20, 20, 20, 26));
    }

    @Test
    void slabsJoinAcrossBordersLikeOneSlab() {
        // a long snake through many z planes, so any slab split has to merge it
        int nz = 64, ny = 40, nx = 40; // big enough to be cut into slabs
        Random rnd = new Random(7);
        byte[] m = new byte[nz * ny * nx];
        for (int i = 0; i < m.length; i++) {
            m[i] = (byte) (rnd.nextDouble() < 0.35 ? 1 : 0);
        }
        int[] l = ConnectedComponents.label(m, nz, ny, nx, 26);
        int[] ref = naive(m, nz, ny, nx);
        assertArrayEquals(ref, l);
    }

    /** Flood fill in raster order: an obviously correct reference. */
    private static int[] naive(byte[] m, int nz, int ny, int nx) {
        int[] out = new int[m.length];
        int next = 0;
        int[] stack = new int[m.length];
        for (int s = 0; s < m.length; s++) {
            if (m[s] == 0 || out[s] != 0) {
                continue;
            }
            out[s] = ++next;
            int top = 0;
            stack[top++] = s;
            while (top > 0) {
                int i = stack[--top];
                int z = i / (ny * nx), y = (i / nx) % ny, x = i % nx;
                for (int dz = -1; dz <= 1; dz++) {
                    for (int dy = -1; dy <= 1; dy++) {
                        for (int dx = -1; dx <= 1; dx++) {
                            int zz = z + dz, yy = y + dy, xx = x + dx;
                            if (zz < 0 || yy < 0 || xx < 0 || zz >= nz || yy >= ny || xx >= nx) {
                                continue;
                            }
                            int j = (zz * ny + yy) * nx + xx;
                            if (m[j] != 0 && out[j] == 0) {
                                out[j] = next;
                                stack[top++] = j;
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    @Test
    void rejectsOtherConnectivities() {
        assertThrows(IllegalArgumentException.class, () -> ConnectedComponents.label(new byte[1], 1, 1, 1, 4));
    }
}
