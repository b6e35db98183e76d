package org.cryosiam.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

class ResizeTest {
    static NDManager m;

    @BeforeAll
    static void start() {
        System.setProperty("ai.djl.offline", "true");
        m = NDManager.newBaseManager();
    }

    @AfterAll
    static void stop() {
        m.close();
    }

    private static float[] alongW(float[] v, int out) {
        NDArray x = m.create(v, new Shape(1, 1, 1, 1, v.length));
        NDArray y = Resize.trilinear(x, 1, 1, out);
        assertEquals(new Shape(1, 1, 1, 1, out), y.getShape());
        return y.toFloatArray();
    }

    @Test
    void upByTwo() {
        // scale 0.5: sources -0.25→0, 0.25, 0.75, 1.25 (upper neighbour clamped to 1)
        assertArrayEquals(new float[] {0, 1, 3, 4}, alongW(new float[] {0, 4}, 4), 1e-6f);
    }

    @Test
    void upOddSizes() {
        // 3 → 5, scale 0.6: sources 0 (clamped), 0.4, 1.0, 1.6, 2.2 (both neighbours = 2)
        assertArrayEquals(new float[] {0, 4, 10, 16, 20}, alongW(new float[] {0, 10, 20}, 5), 1e-5f);
    }

    @Test
    void downOddSizes() {
        // 5 → 3, scale 5/3: sources 0.3333, 2.0, 3.6667
        assertArrayEquals(new float[] {1f / 3f, 2f, 11f / 3f}, alongW(new float[] {0, 1, 2, 3, 4}, 3), 1e-5f);
        // 7 → 2, scale 3.5: sources 1.25, 4.75 on a non-linear signal
        float[] v = {1, 2, 4, 8, 16, 32, 64};
        assertArrayEquals(new float[] {0.75f * 2 + 0.25f * 4, 0.25f * 16 + 0.75f * 32}, alongW(v, 2), 1e-5f);
    }

    @Test
    void sameSizeIsIdentity() {
        assertArrayEquals(new float[] {3, 1, 2}, alongW(new float[] {3, 1, 2}, 3), 0f);
    }

    @Test
    void threeAxesSeparable() {
        // f = 100 d + 10 h + w is linear, so the result is f at the clamped source coordinates
        int[] in = {2, 3, 2};
        int[] out = {3, 5, 4};
        float[] v = new float[12];
        for (int d = 0; d < 2; d++) {
            for (int h = 0; h < 3; h++) {
                for (int w = 0; w < 2; w++) {
                    v[(d * 3 + h) * 2 + w] = 100 * d + 10 * h + w;
                }
            }
        }
        NDArray y = Resize.trilinear(m.create(v, new Shape(1, 1, 2, 3, 2)).repeat(1, 2), 3, 5, 4);
        assertEquals(new Shape(1, 2, 3, 5, 4), y.getShape());
        float[] got = y.toFloatArray();
        for (int d = 0; d < 3; d++) {
            for (int h = 0; h < 5; h++) {
                for (int w = 0; w < 4; w++) {
                    float e = 100 * src(d, in[0], out[0]) + 10 * src(h, in[1], out[1]) + src(w, in[2], out[2]);
                    assertEquals(e, got[(d * 5 + h) * 4 + w], 1e-4f);
                    assertEquals(e, got[60 + (d * 5 + h) * 4 + w], 1e-4f);
                }
            }
        }
    }

    private static float src(int i, int in, int out) {
        double s = (i + 0.5) * in / out - 0.5;
        return (float) Math.min(Math.max(s, 0), in - 1);
    }

    @Test
    void nearest() {
        NDArray x = m.arange(8f).reshape(1, 1, 2, 2, 2);
        NDArray up = Resize.nearestUp2(x);
        assertEquals(new Shape(1, 1, 4, 4, 4), up.getShape());
        assertEquals(7f, up.get(0, 0, 3, 2, 3).getFloat());
        assertEquals(5f, up.get(0, 0, 2, 1, 3).getFloat());
        NDArray down = Resize.nearestDown2(up);
        assertArrayEquals(x.toFloatArray(), down.toFloatArray());
    }
}
