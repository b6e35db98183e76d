package org.cryosiam.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

class SequentialRelabelTest {

    @Test
    void keepsOrderOfOldIds() {
        int[] l = {0, 7, 7, 3, 0, 12};
        assertArrayEquals(new int[] {0, 2, 2, 1, 0, 3}, SequentialRelabel.relabel(l, 1));
        assertArrayEquals(new int[] {0, 6, 6, 5, 0, 7}, SequentialRelabel.relabel(l, 5));
    }
}
