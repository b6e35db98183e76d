package org.cryosiam.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

class SmallComponentsTest {
    @Test
    void removalIsPerClassWithAreaAtMostTheSize() {
        // 1-voxel class-1 blob, 2-voxel class-1 blob, 1-voxel class-2 blob; sizes: class 1 <= 1 removed, class 2 kept
        int[] labels = {1, 0, 1, 1, 0, 2, 0, 0};
        SmallComponents.remove(labels, 1, 1, 8, List.of(-1, 1, -1));
        assertArrayEquals(new int[] {0, 0, 1, 1, 0, 2, 0, 0}, labels);
    }
}
