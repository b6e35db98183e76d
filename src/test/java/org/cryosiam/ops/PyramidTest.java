package org.cryosiam.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.cryosiam.inference.LamellaPostprocessing;
import org.junit.jupiter.api.Test;

/** Pyramid reduce/expand and the lamella post-processing against scikit-image 0.19 (generate_pyramid.py). */
class PyramidTest {
    private static final Expected E = new Expected("pyramid.txt");

    private static double[] asDouble(int[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    @Test
    void reduceMatchesSkimage() {
        int[] shape = {13, 18, 22};
        assertArrayEquals(new int[] {4, 5, 6}, Pyramid.reducedShape(shape, 4));
        double[] got = Pyramid.reduce(asDouble(E.ints("red_in")), shape, 4);
        double[] want = E.doubles("reduced");
        assertEquals(want.length, got.length);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], 1e-12, "voxel " + i);
            assertEquals(want[i] != 0, got[i] != 0, "non-zero pattern at " + i);
        }
    }

    @Test
    void expandMatchesSkimageAndExactOnesSurviveTruncation() {
        int[] shape = {4, 5, 6};
        double[] got = Pyramid.expand(asDouble(E.ints("exp_in")), shape, 4);
        double[] want = E.doubles("expanded");
        assertEquals(want.length, got.length);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], 1e-12, "voxel " + i);
            assertEquals((long) want[i], (long) got[i], "truncated value at " + i);
        }
    }

    @Test
    void reflectAndMirrorIndexing() {
        // reflect: d c b a | a b c d | d c b a; mirror: d c b | a b c d | c b a
        assertEquals(0, Pyramid.reflect(-1, 4));
        assertEquals(3, Pyramid.reflect(4, 4));
        assertEquals(1, Pyramid.mirror(-1, 4));
        assertEquals(2, Pyramid.mirror(4, 4));
        assertEquals(0, Pyramid.mirror(5, 1));
    }

    @Test
    void lamellaPostprocessingMatchesTheReference() {
        int nz = 36, ny = 32, nx = 30;
        float[] probs = E.floats("probs");
        byte[] cc = LamellaPostprocessing.largestComponent(probs, nz, ny, nx, 0.5);
        assertArrayEquals(E.bytes("cc"), cc, "largest smoothed component");
        byte[] labels = new byte[probs.length];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = probs[i] > 0.5f ? (byte) 1 : 0;
        }
        LamellaPostprocessing.sliceHulls(cc, labels, nz, ny, nx);
        assertArrayEquals(E.bytes("labels2d"), labels, "per-slice hulls");
        assertArrayEquals(E.bytes("labels3d"), LamellaPostprocessing.hull3d(cc, nz, ny, nx), "3-D variant");
    }

    @Test
    void noComponentGivesAnEmptyMask() {
        assertArrayEquals(new byte[8], LamellaPostprocessing.largestComponent(new float[8], 2, 2, 2, 0.5));
    }
}
