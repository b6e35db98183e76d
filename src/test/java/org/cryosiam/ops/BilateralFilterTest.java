package org.cryosiam.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;

import org.junit.jupiter.api.Test;

/** ITK's bilateral filter semantics on cases small enough to compute by hand. */
class BilateralFilterTest {

    /** exp(−x²/2) for x = −3..3: on a 1×1×n line every off-line offset repeats the line, so this is the kernel. */
    private static double[] lineKernel() {
        double[] g = new double[7];
        for (int x = -3; x <= 3; x++) {
            g[x + 3] = Math.exp(-0.5 * x * x);
        }
        return g;
    }

    @Test
    void wideRangeIsAGaussianWithRepeatedBorders() {
        // range sigma so large that every neighbour has range weight 1: a normalised Gaussian of radius 3
        float[] in = {0, 0, 0, 0, 1, 0, 0, 0, 2};
        float[] out = BilateralFilter.filter(in, 1, 1, 9, 1, 1e6);
        double[] g = lineKernel();
        double norm = 0;
        for (double w : g) {
            norm += w;
        }
        for (int x = 0; x < 9; x++) {
            double want = 0;
            for (int o = -3; o <= 3; o++) {
                want += g[o + 3] * in[Math.min(Math.max(x + o, 0), 8)];
            }
            assertEquals(want / norm, out[x], 1e-6, "x=" + x);
        }
    }

    @Test
    void stepsOfFourRangeSigmasOrMoreAreKept() {
        // |1 − 0| ≥ 4 · 0.1: neighbours across the step are ignored, both sides stay flat
        float[] in = new float[2 * 3 * 10];
        for (int i = 0; i < in.length; i++) {
            in[i] = i % 10 >= 5 ? 1f : 0f;
        }
        assertArrayEquals(in, BilateralFilter.filter(in, 2, 3, 10, 1, 0.1));
        float[] flat = new float[27];
        java.util.Arrays.fill(flat, 0.3f);
        assertArrayEquals(flat, BilateralFilter.filter(flat, 3, 3, 3, 1, 0.1));
    }

    @Test
    void rangeWeightsComeFromTheQuantisedTable() {
        // a step of 0.05 with range sigma 0.1: the far side weighs table[floor(0.05 · 100 / 0.4)] = table[12],
        // exp(−(12 · 0.004)² / 0.02), not exp(−0.05² / 0.02)
        float[] in = {0, 0, 0, 0.05f, 0.05f, 0.05f};
        float[] out = BilateralFilter.filter(in, 1, 1, 6, 1, 0.1);
        double[] g = lineKernel();
        double d = Math.abs((double) 0.05f - 0);
        int index = (int) (d * (100 / (4 * 0.1)));
        assertEquals(12, index);
        double v = 0;
        for (int i = 0; i < index; i++) {
            v += 4 * 0.1 / 100; // the table's sample points, accumulated as ITK does
        }
        double far = Math.exp(-0.5 * v * v / 0.01);
        for (int x = 0; x < 6; x++) {
            double val = 0;
            double norm = 0;
            for (int o = -3; o <= 3; o++) {
                float p = in[Math.min(Math.max(x + o, 0), 5)];
                double w = g[o + 3] * (p == in[x] ? 1 : far);
                val += w * p;
                norm += w;
            }
            assertEquals(val / norm, out[x], 1e-7, "x=" + x);
        }
    }

    @Test
    void selectedVoxelsMatchTheFullFilter() {
        Random rnd = new Random(3);
        int nz = 5;
        int ny = 6;
        int nx = 9;
        float[] in = new float[nz * ny * nx];
        byte[] where = new byte[in.length];
        for (int i = 0; i < in.length; i++) {
            in[i] = rnd.nextFloat() * 0.5f;
            where[i] = (byte) (rnd.nextInt(3) == 0 ? 1 : 0);
        }
        float[] full = BilateralFilter.filter(in, nz, ny, nx, 1, 0.1);
        float[] part = BilateralFilter.filter(in, nz, ny, nx, 1, 0.1, where);
        for (int i = 0; i < in.length; i++) {
            assertEquals(where[i] != 0 ? full[i] : in[i], part[i], 0, "voxel " + i);
        }
    }
}
