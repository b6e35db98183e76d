package org.cryosiam.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** {@code max_center_distance: 1e30} ends at once, with the markers of a bound just above the largest distance. */
class MarkerSearchBoundTest {
    @Test
    void aHugeUpperBoundGivesTheSameMarkersQuickly() {
        int nz = 6, ny = 7, nx = 8;
        double[] d = new double[nz * ny * nx];
        Random r = new Random(3);
        for (int i = 0; i < d.length; i++) {
            d[i] = r.nextInt(4) == 0 ? 0 : r.nextDouble() * 6;
        }
        int[] bounded = InstancePostprocessing.findMarkers(d, nz, ny, nx, 0.5, 7, false);
        int[] huge = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> InstancePostprocessing.findMarkers(d, nz, ny, nx, 0.5, 1e30, false));
        assertArrayEquals(bounded, huge);
        assertArrayEquals(InstancePostprocessing.findMarkers(d, nz, ny, nx, 0.5, 7, true),
                assertTimeoutPreemptively(Duration.ofSeconds(10),
                        () -> InstancePostprocessing.findMarkers(d, nz, ny, nx, 0.5, Double.POSITIVE_INFINITY, true)));
    }
}
