package org.cryosiam.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

/**
 * Hand-worked instance targets. The distance cases are slabs (the id depends on x only) of 11 × 11 × n voxels: in
 * the central row the nearest other-id voxel lies along x, within 5 voxels, or beyond the volume's edge (6 away in
 * z and y), which counts as background as in the semantic distance maps.
 */
class InstanceTargetsTest {
    @Test
    void boundariesAreInstanceVoxelsNextToAnotherId() {
        int[] ids = {0, 1, 1, 1, 0, 2, 2};
        assertArrayEquals(new float[] {0, 1, 0, 1, 0, 1, 0}, InstanceTargets.boundaries(ids, 1, 1, 7));
    }

    /** The central row of the signed distance of an 11 × 11 × n slab whose ids along x are {@code row}. */
    private static float[] centralRow(int... row) {
        int n = row.length;
        int[] ids = new int[11 * 11 * n];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = row[i % n];
        }
        float[] d = InstanceTargets.distances(ids, 11, 11, n);
        int start = (5 * 11 + 5) * n;
        return Arrays.copyOfRange(d, start, start + n);
    }

    @Test
    void signedDistanceInsidePositiveOutsideNegative() {
        // x = 6 is 1 from the volume's edge, which counts as background
        assertArrayEquals(new float[] {-1, 1, 2, 1, -1, 1, 1}, centralRow(0, 1, 1, 1, 0, 2, 2));
    }

    @Test
    void touchingInstancesAreSeparatedByTheirBorder() {
        assertArrayEquals(new float[] {1, -1, -1, 1}, centralRow(1, 1, 2, 2));
    }

    @Test
    void distancesAreClippedAtFive() {
        assertArrayEquals(new float[] {-1, 1, 2, 3, 4, 5, 5, 5, 5, 5, 4, 3, 2, 1, -1},
                centralRow(0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0));
    }
}
