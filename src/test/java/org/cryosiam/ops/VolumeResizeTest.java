package org.cryosiam.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

class VolumeResizeTest {
    @Test
    void sameShapeIsACopy() {
        float[] v = {1, 2, 3, 4};
        assertArrayEquals(v, VolumeResize.linear(v, new int[] {1, 2, 2}, new int[] {1, 2, 2}));
    }

    @Test
    void doublingAlongXUsesCentreAlignedCoordinates() {
        // in x = [0, 4]; out o samples (o + 0.5)/2 - 0.5 = -0.25, 0.25, 0.75, 1.25 → clamp to [0, 1]:
        // 0, 0.25, 0.75, 1 → values 0, 1, 3, 4
        float[] out = VolumeResize.linear(new float[] {0, 4}, new int[] {1, 1, 2}, new int[] {1, 1, 4});
        assertArrayEquals(new float[] {0, 1, 3, 4}, out, 1e-6f);
    }

    @Test
    void upsamplingAMaskKeepsItsRangeAndBlock() {
        // a 2x2x2 mask with one corner set, doubled on every axis: the set corner's 2x2x2 block's inner voxel is 1
        float[] m = new float[8];
        m[0] = 1;
        float[] out = VolumeResize.linear(m, new int[] {2, 2, 2}, new int[] {4, 4, 4});
        // voxel (0,0,0) samples coordinate (0,0,0) clamped: exactly 1; voxel (1,1,1) samples 0.25 per axis: 0.75^3
        assertArrayEquals(new float[] {1f, 0.75f * 0.75f * 0.75f}, new float[] {out[0], out[(1 * 4 + 1) * 4 + 1]}, 1e-6f);
    }
}
