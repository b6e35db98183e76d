package org.cryosiam.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class GridTilerTest {

    @Test
    void patchesAreRowMajorOverKeptStarts() {
        // z: S=8, P=8 -> starts 0, 4 (threshold 8-2=6 skips none); y: S=40, P=32 -> 0, 16 (32 skipped);
        // x: S=45, P=16 -> 0, 8, ..., 40. So 2 * 2 * 6 = 24 patches, x varying fastest.
        GridTiler t = new GridTiler(new int[] {8, 40, 45}, new int[] {8, 32, 16});
        assertEquals(24, t.patchCount());
        assertArrayEquals(new int[] {0, 0, 0}, t.patchStart(0));
        assertArrayEquals(new int[] {0, 0, 8}, t.patchStart(1));
        assertArrayEquals(new int[] {0, 16, 0}, t.patchStart(6));
        assertArrayEquals(new int[] {4, 0, 0}, t.patchStart(12));
        assertArrayEquals(new int[] {4, 16, 40}, t.patchStart(23));
    }

    @Test
    void extractionWrapsPastTheEnd() {
        // shape (2, 2, 40), patch (2, 2, 32). z and y: S=P=2, starts 0 and 1 (q=0); x: starts 0, 16.
        // Patch 1 = (z 0, y 0, x 16): x positions 16..47, and position 40 + k reads voxel k.
        int[] shape = {2, 2, 40};
        float[] vol = ramp(2 * 2 * 40);
        GridTiler t = new GridTiler(shape, new int[] {2, 2, 32});
        assertArrayEquals(new int[] {0, 0, 16}, t.patchStart(1));
        float[] patch = new float[t.patchVoxels()];
        t.extract(vol, 1, patch, 0);
        assertEquals(vol[16], patch[0]);
        assertEquals(vol[39], patch[23]);
        assertEquals(vol[0], patch[24]); // x = S' + 0
        assertEquals(vol[7], patch[31]);
        // second row of the patch (dy = 1) is volume row y = 1
        assertEquals(vol[40 + 16], patch[32]);
        assertEquals(vol[40 + 0], patch[32 + 24]);
        // dz = 1 is z = 1
        assertEquals(vol[80 + 16], patch[64]);

        // Patch 3 = (z 0, y 1, x 16): its dy = 1 is position 2 = S' + 0 on y, which wraps to y = 0.
        t.extract(vol, 3, patch, 0);
        assertEquals(vol[40 + 16], patch[0]);
        assertEquals(vol[16], patch[32]);
    }

    @Test
    void extractionReadsZerosInTheEndPadding() {
        // shape (2, 2, 30), patch (2, 2, 32): S'=32 on x. Patch 1 starts at x 16: positions 16..29 are voxels,
        // 30 and 31 zeros, 32..47 wrap to 0..15.
        float[] vol = ramp(2 * 2 * 30);
        GridTiler t = new GridTiler(new int[] {2, 2, 30}, new int[] {2, 2, 32});
        float[] patch = new float[t.patchVoxels()];
        t.extract(vol, 1, patch, 0);
        assertEquals(vol[29], patch[13]);
        assertEquals(0f, patch[14]);
        assertEquals(0f, patch[15]);
        assertEquals(vol[0], patch[16]);
        assertEquals(vol[15], patch[31]);
    }

    @Test
    void laterPatchesWinTheOverlaps() {
        // shape (1, 45, 64), patch (2, 16, 32); each patch is filled with its own index.
        // z: one patch writing [0, 1). y (S=45, P=16): 6 patches, the winners per y (see AxisGridTest):
        //   [0,12)->0, [12,20)->1, [20,28)->2, [28,36)->3, [36,44)->4, [44,45)->5 (5 overwrites 4's voxel 44).
        // x (S=64, P=32): 4 patches: [0,24)->0, [24,40)->1, [40,56)->2, [56,64)->3 (3 overwrites 2's tail).
        // Patch index = 4 * y-patch + x-patch (row-major), so voxel (y, x) holds 4 * winnerY(y) + winnerX(x).
        GridTiler t = new GridTiler(new int[] {1, 45, 64}, new int[] {2, 16, 32});
        assertEquals(24, t.patchCount());
        float[] out = new float[45 * 64];
        float[] patch = new float[t.patchVoxels()];
        for (int i = 0; i < t.patchCount(); i++) {
            java.util.Arrays.fill(patch, i);
            t.stitch(patch, 0, i, out);
        }
        for (int y = 0; y < 45; y++) {
            int wy = y < 12 ? 0 : y < 20 ? 1 : y < 28 ? 2 : y < 36 ? 3 : y < 44 ? 4 : 5;
            for (int x = 0; x < 64; x++) {
                int wx = x < 24 ? 0 : x < 40 ? 1 : x < 56 ? 2 : 3;
                assertEquals(4 * wy + wx, out[y * 64 + x], "voxel y=" + y + " x=" + x);
            }
        }
    }

    static float[] ramp(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = i + 1; // no zeros, so a padding zero is never mistaken for a voxel
        }
        return v;
    }
}
