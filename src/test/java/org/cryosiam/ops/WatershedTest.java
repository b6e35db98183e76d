package org.cryosiam.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

class WatershedTest {

    @Test
    void plateauIsSplitBetweenMarkersByArrivalAge() {
        // flat line, markers at both ends: each grows one step per round, the middle goes to
        // the marker that is popped first (the left one, pushed first)
        float[] img = new float[7];
        int[] markers = {1, 0, 0, 0, 0, 0, 2};
        assertArrayEquals(new int[] {1, 1, 1, 1, 2, 2, 2}, Watershed.watershed(img, markers, null, 1, 1, 7));
    }

    @Test
    void floodsLowValuesFirstAcrossARidge() {
        // values   0 1 5 1 0 0
        // markers  1 . . . 2 .    the ridge (5) is reached last, from the left basin which gets there
        //                          at value 1 first (age order)
        float[] img = {0, 1, 5, 1, 0, 0};
        int[] markers = {1, 0, 0, 0, 2, 0};
        assertArrayEquals(new int[] {1, 1, 1, 2, 2, 2}, Watershed.watershed(img, markers, null, 1, 1, 6));
    }

    @Test
    void maskStopsFloodingAndDropsMarkersOutside() {
        // touching objects separated by a masked-out voxel; the marker at x=5 lies outside the mask
        float[] img = new float[6];
        int[] markers = {1, 0, 0, 2, 0, 3};
        byte[] mask = {1, 1, 0, 1, 1, 0};
        assertArrayEquals(new int[] {1, 1, 0, 2, 2, 0}, Watershed.watershed(img, markers, mask, 1, 1, 6));
    }

    @Test
    void usesOnlyFaceNeighbours() {
        // 2x2 plane, marker top-left, mask excludes top-right and bottom-left: bottom-right is
        // only diagonally connected and stays 0
        float[] img = new float[4];
        assertArrayEquals(new int[] {5, 0, 0, 0},
                Watershed.watershed(img, new int[] {5, 0, 0, 0}, new byte[] {1, 0, 0, 1}, 1, 2, 2));
    }

    @Test
    void matchesSkimageOnPlateausOfRandom16Cube() {
        Expected e = new Expected("watershed_16.txt");
        float[] img = e.floats("image");
        int[] markers = e.ints("markers");
        assertArrayEquals(e.ints("labels"), Watershed.watershed(img, markers, e.bytes("mask"), 16, 16, 16));
        assertArrayEquals(e.ints("flat"), Watershed.watershed(new float[img.length], markers, null, 16, 16, 16));
    }
}
