package org.cryosiam.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RegionAdjacencyGraphTest {

    @Test
    void edgesAreFaceSharingLabelPairsInOrder() {
        // z=0:  1 1 2      z=1:  1 3 3
        //       0 0 2            0 0 3
        int[] labels = {1, 1, 2, 0, 0, 2,
                        1, 3, 3, 0, 0, 3};
        RegionAdjacencyGraph g = RegionAdjacencyGraph.of(labels, 2, 2, 3);
        assertEquals(4, g.numberOfNodes());
        // 0-1: (0,1,0)-(0,0,0), (0,1,1)-(0,0,1), (1,1,0)-(1,0,0)   0-2: (0,1,1)-(0,1,2)
        // 0-3: (1,1,1)-(1,0,1), (1,1,1)-(1,1,2)  1-2: (0,0,1)-(0,0,2)
        // 1-3: (1,0,0)-(1,0,1), (0,0,1)-(1,0,1)  2-3: (0,0,2)-(1,0,2), (0,1,2)-(1,1,2)
        assertArrayEquals(new int[] {0, 0, 0, 1, 1, 2}, g.us());
        assertArrayEquals(new int[] {1, 2, 3, 2, 3, 3}, g.vs());
        assertArrayEquals(new double[] {3, 1, 2, 1, 2, 2}, g.edgeSizes());
        assertEquals(4, g.findEdge(3, 1));
        assertEquals(-1, g.findEdge(2, 2));
        assertEquals(-1, RegionAdjacencyGraph.of(new int[] {0, 2}, 1, 1, 2).findEdge(0, 1));
        assertEquals(3, RegionAdjacencyGraph.of(new int[] {0, 2}, 1, 1, 2).numberOfNodes(), "labels 0..max");
    }

    @Test
    void featuresAreStatisticsOfFaceMidpoints() {
        // a 1 x 3 x 4 plane: label 1 left, 2 right; the faces x=1|2 carry (m[a] + m[b]) / 2 = 0.1, 0.3, 0.8
        int[] labels = {1, 1, 2, 2,
                        1, 1, 2, 2,
                        1, 1, 2, 2};
        float[] map = {0, 0, 0.2f, 0,
                       0, 0.2f, 0.4f, 0,
                       0, 0.6f, 1, 0};
        RegionAdjacencyGraph g = RegionAdjacencyGraph.of(labels, 1, 3, 4);
        assertEquals(1, g.numberOfEdges());
        double a = 0.5 * (0 + (double) 0.2f);
        double b = 0.5 * ((double) 0.2f + (double) 0.4f);
        double c = 0.5 * ((double) 0.6f + 1);
        double mean = (a + b + c) / 3;
        assertEquals(mean, g.means(labels, map, 1, 3, 4)[0], 1e-15);
        double[] f = g.features(labels, map, 1, 3, 4)[0];
        double sd = Math.sqrt(((a - mean) * (a - mean) + (b - mean) * (b - mean) + (c - mean) * (c - mean)) / 3);
        // numpy percentiles of [a, b, c]: position q/100 · 2 between the sorted values
        double[] want = {mean, b, sd, a, c, a + 0.1 * (b - a), a + 0.2 * (b - a), a + 0.5 * (b - a),
                b + 0.5 * (c - b), b + 0.8 * (c - b), b + 0.9 * (c - b), 3};
        assertEquals(RegionAdjacencyGraph.FEATURE_NAMES.length, f.length);
        assertArrayEquals(want, f, 1e-12);
    }

    @Test
    void meansDoNotDependOnThePlaneChunks() {
        // 40 planes of alternating labels (more planes than the sum uses chunks)
        int nz = 40;
        int[] labels = new int[nz * 4];
        float[] map = new float[labels.length];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = (i / 4) % 2 == 0 ? 1 : 2;
            map[i] = (i % 7) / 7f;
        }
        RegionAdjacencyGraph g = RegionAdjacencyGraph.of(labels, nz, 2, 2);
        assertEquals(1, g.numberOfEdges());
        assertEquals(39 * 4, g.edgeSize(0));
        assertEquals(g.features(labels, map, nz, 2, 2)[0][0], g.means(labels, map, nz, 2, 2)[0], 1e-12);
    }
}
