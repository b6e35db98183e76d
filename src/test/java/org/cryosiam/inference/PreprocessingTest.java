package org.cryosiam.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;

import org.cryosiam.volume.Volume;
import org.junit.jupiter.api.Test;

/**
 * Expected numbers come from numpy 1.24 (the reference pins numpy 1.24.4), generated once by:
 * <pre>
 * import numpy as np
 * def formula(n):
 *     return np.array([((i * 7919) % 1000) / 37.0 - 13.5 for i in range(n)], np.float64).astype(np.float32)
 * def bits_hash(a):
 *     v = a.view(np.uint32).astype(np.uint64) * (np.arange(a.size, dtype=np.uint64) + np.uint64(1))
 *     h = int(np.sum(v, dtype=np.uint64)); return h - (1 << 64) if h >= (1 << 63) else h
 * qs = [0, 0.1, 25, 33.3, 50, 99.9, 100]
 * print([repr(float(np.percentile(a, q))) for q in qs])    # for each array a below
 * x = formula(12345) * np.float32(-1)                          # InvertIntensity
 * lo = np.percentile(x, 0.1); hi = np.percentile(x, 99.9)      # cryosiam ScaleIntensity, verbatim
 * x = np.clip((x - lo) / (hi - lo), 0, 1)
 * # ScaleIntensityRange(0.05, 0.95, 0, 1, clip) and NormalizeIntensity(0.5, 0.2) as torch's float32 CPU ops:
 * x = (x - np.float32(0.05)) / np.float32(0.95 - 0.05) * np.float32(1) + np.float32(0)
 * x = np.clip(x, np.float32(0), np.float32(1))
 * x = (x - np.float32(0.5)) / np.float32(0.2)
 * print(bits_hash(x), repr(float(x[0])), repr(float(x[1])), repr(float(x[12344])))
 * </pre>
 */
class PreprocessingTest {
    private static final double[] QS = {0, 0.1, 25, 33.3, 50, 99.9, 100};

    private static void assertPercentiles(float[] data, double... expected) {
        float[] before = data.clone();
        assertArrayEquals(expected, Preprocessing.percentiles(data, QS), 0.0);
        for (int i = 0; i < QS.length; i++) {
            assertEquals(expected[i], Preprocessing.percentile(data, QS[i]), 0.0, "q=" + QS[i]);
        }
        assertArrayEquals(before, data, 0f); // the data is not reordered
    }

    @Test
    void percentilesOfSmallArraysMatchNumpy() {
        // n odd
        assertPercentiles(new float[] {3, 1, 2}, 1.0, 1.002, 1.5, 1.666, 2.0, 2.998, 3.0);
        // n even
        assertPercentiles(new float[] {4, 1, 3, 2}, 1.0, 1.003, 1.75, 1.9989999999999999, 2.5, 3.9970000000000003,
                4.0);
        // ties
        assertPercentiles(new float[] {5, 1, 1, 2, 5, 1, 2, 5}, 1.0, 1.0, 1.0, 1.3309999999999995, 2.0, 5.0, 5.0);
        // non-integers, negatives: the interpolation difference is a float32 subtraction
        assertPercentiles(new float[] {0.1f, -2.7f, 3.3f, 1e-3f, -0.5f, 7.25f, 1.3f}, -2.700000047683716,
                -2.6868000473976137, -0.2494999935152009, -1.999926753454284e-06, 0.10000000149011612,
                7.2262999997139, 7.25);
    }

    @Test
    void percentilesOfLargerArraysMatchNumpy() {
        assertPercentiles(SlidingWindowTest.formula(1000), -13.5, -13.472999897003174, -6.75, -4.509000034332276, 0.0,
                13.472999897003175, 13.5);
        assertPercentiles(SlidingWindowTest.formula(1001), -13.5, -13.5, -6.770270347595215, -4.527027130126955,
                -0.013513513840734959, 13.47297286987305, 13.5);
        assertPercentiles(SlidingWindowTest.formula(12345), -13.5, -13.490702667236327, -6.743243217468262, -4.5,
                0.013513513840734959, 13.490702667236352, 13.5);
    }

    @Test
    void selectionAgreesWithSorting() {
        Random r = new Random(7);
        for (int trial = 0; trial < 50; trial++) {
            int n = 1 + r.nextInt(3000);
            float[] a = new float[n];
            for (int i = 0; i < n; i++) {
                a[i] = trial % 2 == 0 ? (float) (r.nextGaussian() * 1e3) : r.nextInt(7) - 3; // many ties, -0/+0
            }
            float[] sorted = a.clone();
            Arrays.sort(sorted);
            long[] ranks = {0, n - 1, r.nextInt(n), r.nextInt(n), n / 2};
            float[] got = RadixSelect.select(a, ranks);
            for (int i = 0; i < ranks.length; i++) {
                assertEquals(sorted[(int) ranks[i]], got[i], 0f);
            }
        }
    }

    @Test
    void nanGivesNan() {
        assertTrue(Double.isNaN(Preprocessing.percentile(new float[] {1, Float.NaN, 3}, 50)));
    }

    @Test
    void denoisePreprocessingMatchesTheReference() {
        float[] x = SlidingWindowTest.formula(12345);
        Volume v = new Volume(x, 5, 3, 823);
        Preprocessing.denoise(v, new Preprocessing.Intensity(0.05, 0.95, 0.5, 0.2));
        assertEquals(2.5f, x[0]);
        assertEquals(-2.334496259689331f, x[1]);
        assertEquals(2.0228590965270996f, x[12344]);
        assertEquals(162992634698560190L, SlidingWindowTest.bitsHash(x));
    }

    /** Plane by plane (percentiles from passes over the planes) gives the whole-volume values bit for bit. */
    @Test
    void denoisePreprocessingOfPlanesEqualsTheWholeVolume() {
        Preprocessing.Intensity p = new Preprocessing.Intensity(0.05, 0.95, 0.5, 0.2);
        float[] x = SlidingWindowTest.formula(12345);
        int[] shape = {5, 3, 823};
        float[] planes = new float[x.length];
        try (org.cryosiam.io.PlaneReader r = Preprocessing.denoise(org.cryosiam.io.PlaneReader.of(x.clone(), shape),
                p)) {
            float[] dst = new float[3 * 823];
            for (int z = 0; z < 5; z++) {
                r.read(z, dst);
                System.arraycopy(dst, 0, planes, z * dst.length, dst.length);
            }
        }
        Preprocessing.denoise(new Volume(x, 5, 3, 823), p);
        assertEquals(162992634698560190L, SlidingWindowTest.bitsHash(planes));
        org.junit.jupiter.api.Assertions.assertArrayEquals(x, planes);
    }

    /** The two percentiles cost two passes over the planes (the NaN check rides on the first), not three. */
    @Test
    void planeWisePercentilesReadTheTomogramTwice() {
        int[] shape = {4, 3, 5};
        org.cryosiam.io.PlaneReader in = org.cryosiam.io.PlaneReader.of(SlidingWindowTest.formula(60), shape);
        int[] reads = {0};
        org.cryosiam.io.PlaneReader counting = new org.cryosiam.io.PlaneReader() {
            @Override
            public int[] shape() {
                return shape;
            }

            @Override
            public void read(int z, float[] dst) {
                reads[0]++;
                in.read(z, dst);
            }

            @Override
            public void close() {
            }
        };
        Preprocessing.denoise(counting, new Preprocessing.Intensity(0, 1, 0, 1));
        assertEquals(2 * shape[0], reads[0]);
    }

    @Test
    void rangeScalingEdgeCasesFollowMonai() {
        // clip to [0, 1] before normalising
        float[] x = {-1f, 0.5f, 3f};
        Preprocessing.rangeScaleAndNormalise(x, new Preprocessing.Intensity(0, 1, 0, 1));
        assertArrayEquals(new float[] {0f, 0.5f, 1f}, x, 0f);
        // max == min: MONAI returns x - min unclipped; std == 0 divides by 1
        float[] y = {-1f, 0.5f, 3f};
        Preprocessing.rangeScaleAndNormalise(y, new Preprocessing.Intensity(0.5, 0.5, 1, 0));
        assertArrayEquals(new float[] {-2.5f, -1f, 1.5f}, y, 0f);
    }
}
