package org.cryosiam.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.cryosiam.ops.GaussianFilter.Mode;
import org.junit.jupiter.api.Test;

class GaussianFilterTest {

    @Test
    void kernelMatchesScipy() {
        // scipy.ndimage._filters._gaussian_kernel1d(1.0, 0, 4)
        double[] w = GaussianFilter.kernel(1.0);
        assertEquals(9, w.length);
        double[] scipy = {0.00013383062461474175, 0.004431861620031266, 0.053991127420704395,
                          0.24197144565660073, 0.39894346935609776, 0.24197144565660073,
                          0.053991127420704395, 0.004431861620031266, 0.00013383062461474175};
        // numpy's exp is CPU dependent (an AVX-512 build differs from glibc by an ulp): compare to 2 ulps
        for (int i = 0; i < w.length; i++) {
            assertEquals(scipy[i], w[i], 2 * Math.ulp(scipy[i]));
        }
        assertEquals(5, GaussianFilter.kernel(0.5).length); // radius int(4*0.5 + 0.5) = 2
    }

    @Test
    void constantOfOnesStaysOneWithNearest() {
        float[] v = new float[4 * 5 * 6];
        java.util.Arrays.fill(v, 1f);
        float[] out = GaussianFilter.filter(v, 4, 5, 6, 2, 1, 3, Mode.NEAREST);
        for (float f : out) {
            assertEquals(1f, f, 1e-6f);
        }
    }

    @Test
    void constantModeLeaksTowardsZeroAtTheBorder() {
        // a line of ones, sigma 1 along x: the ends lose the weight that falls outside
        float[] v = {1, 1, 1, 1, 1};
        float[] out = GaussianFilter.filter(v, 1, 1, 5, 0, 0, 1, Mode.CONSTANT);
        // scipy.ndimage.gaussian_filter1d(np.ones(5, np.float32), 1, mode='constant')
        assertArrayEquals(new float[] {0.6994717f, 0.9413093f, 0.99086863f, 0.9413093f, 0.6994717f}, out, 1e-7f);
    }

    @Test
    void matchesScipyOnFloat32Volume() {
        Expected e = new Expected("gaussian.txt");
        float[] in = e.floats("input");
        float[] copy = in.clone();
        check(e.floats("nearest"), GaussianFilter.filter(in, 9, 7, 11, 1.5, 0.7, 2.0, Mode.NEAREST));
        check(e.floats("constant"), GaussianFilter.filter(in, 9, 7, 11, 3.0, 2.0, 2.5, Mode.CONSTANT));
        check(e.floats("half"), GaussianFilter.filter(in, 9, 7, 11, 0.5, 0.5, 0.5, Mode.NEAREST));
        assertArrayEquals(copy, in, 0f); // input untouched
    }

    private static void check(float[] expected, float[] got) {
        int exact = 0;
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], got[i], Math.ulp(expected[i]) * 2, "voxel " + i);
            if (expected[i] == got[i]) {
                exact++;
            }
        }
        // float64 accumulation in SciPy's order: all but a rare exp() ulp difference are bit-identical
        assertEquals(expected.length, exact, expected.length / 100.0);
    }
}
