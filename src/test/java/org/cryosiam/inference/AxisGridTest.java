package org.cryosiam.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.cryosiam.CryosiamUserException;
import org.junit.jupiter.api.Test;

/**
 * The per-axis grid, worked out by hand from spec/inference.md. Notation: S size, P patch, S' = max(S, P),
 * T = P/2 step, q = P//4; a start is skipped when start >= S' - q.
 */
class AxisGridTest {

    /** Write ranges of the kept patches as {from, to, readFrom} triples. */
    private static int[][] writes(AxisGrid g) {
        int[][] w = new int[g.count()][];
        for (int i = 0; i < g.count(); i++) {
            w[i] = new int[] {g.writeFrom(i), g.writeTo(i), g.readFrom(i)};
        }
        return w;
    }

    @Test
    void fortyWithPatch32() {
        // S=40, P=32: S'=40, T=16, q=8. Grid starts 0, 16, 32 (48 is not < 40).
        // 32 is skipped: 32 >= 40 - 8 = 32.
        // start 0 (first): output [0, 32-8=24) from patch [0, 24).
        // start 16: end 48 >= 40 -> last: output [16+8=24, 40) from patch [8, 32-(48-40)=24).
        AxisGrid g = new AxisGrid(40, 32);
        assertEquals(40, g.paddedSize());
        assertEquals(16, g.step());
        assertArrayEquals(new int[] {0, 16, 32}, g.gridStarts());
        assertArrayEquals(new int[] {0, 16}, g.starts());
        assertArrayEquals(new int[][] {{0, 24, 0}, {24, 40, 8}}, writes(g));
    }

    @Test
    void smallerThanPatchIsPaddedAndCropped() {
        // S=10, P=32: S'=32 (zeros at the end), starts 0, 16; skip threshold 32-8=24 skips none.
        // start 0: first -> [0, 24), cropped to S: [0, 10).
        // start 16: last (end 48 >= 32) -> [24, 32), cropped to S: empty -> it writes nothing and is not run.
        AxisGrid g = new AxisGrid(10, 32);
        assertEquals(32, g.paddedSize());
        assertArrayEquals(new int[] {0, 16}, g.gridStarts());
        assertArrayEquals(new int[][] {{0, 10, 0}}, writes(g));

        // S=30, P=32: same grid; start 16 writes [24, 32) cropped to [24, 30), read from patch voxel 8.
        assertArrayEquals(new int[][] {{0, 24, 0}, {24, 30, 8}}, writes(new AxisGrid(30, 32)));
    }

    @Test
    void exactlyOnePatch() {
        // S=P=32: S'=32, starts 0, 16, threshold 24 skips none.
        // start 0 is both first and last (end 32 >= 32): the first rule wins -> [0, 24) from [0, 24).
        // start 16: last -> [24, 32) from patch [8, 32-(48-32)=16).
        AxisGrid g = new AxisGrid(32, 32);
        assertArrayEquals(new int[][] {{0, 24, 0}, {24, 32, 8}}, writes(g));
    }

    @Test
    void oddSizeWithTwoLastPatches() {
        // S=45, P=16: T=8, q=4, starts 0, 8, ..., 40 (48 is not < 45); threshold 45-4=41 skips none.
        // 0 first [0,12); 8, 16, 24 middle [s+4, s+12); 32: end 48 >= 45 -> last [36, 45) from 4;
        // 40: end 56 >= 45 -> last [44, 45) from 4 (it overwrites voxel 44 written by 32).
        AxisGrid g = new AxisGrid(45, 16);
        assertArrayEquals(new int[] {0, 8, 16, 24, 32, 40}, g.starts());
        assertArrayEquals(new int[][] {{0, 12, 0}, {12, 20, 4}, {20, 28, 4}, {28, 36, 4}, {36, 45, 4}, {44, 45, 4}},
                writes(g));

        // S=43, P=16: threshold 43-4=39, so 40 is skipped; 32 is the last kept patch: [36, 43).
        AxisGrid h = new AxisGrid(43, 16);
        assertArrayEquals(new int[] {0, 8, 16, 24, 32, 40}, h.gridStarts());
        assertArrayEquals(new int[] {0, 8, 16, 24, 32}, h.starts());
        assertArrayEquals(new int[] {36, 43, 4}, writes(h)[4]);
    }

    @Test
    void twoPatchesUseTheLastRule() {
        // S=64, P=32: starts 0, 16, 32, 48; threshold 56 skips none.
        // 0: [0,24); 16: middle [24,40) from 8; 32: end 64 >= 64 -> last [40,64) from 8; 48: last [56,64) from 8.
        assertArrayEquals(new int[][] {{0, 24, 0}, {24, 40, 8}, {40, 64, 8}, {56, 64, 8}},
                writes(new AxisGrid(64, 32)));
    }

    @Test
    void sourceIndexWrapsAndPadsWithZeros() {
        // S=40, P=32, kept patch 1 starts at 16: positions 16..47; 40..47 wrap to 0..7.
        int[] idx = new AxisGrid(40, 32).sourceIndex(1);
        assertEquals(16, idx[0]);
        assertEquals(39, idx[23]);
        assertEquals(0, idx[24]); // position S' + 0 reads voxel 0
        assertEquals(7, idx[31]);

        // S=30, P=32 (S'=32), patch at 16: positions 16..29 are voxels, 30 and 31 the zero padding (-1),
        // 32..47 wrap to 0..15.
        int[] pad = new AxisGrid(30, 32).sourceIndex(1);
        assertEquals(29, pad[13]);
        assertEquals(-1, pad[14]);
        assertEquals(-1, pad[15]);
        assertEquals(0, pad[16]);
        assertEquals(15, pad[31]);
    }

    @Test
    void patchSizeMustBeEven() {
        assertThrows(CryosiamUserException.class, () -> new AxisGrid(40, 31));
        assertThrows(CryosiamUserException.class, () -> new AxisGrid(40, 0));
    }
}
