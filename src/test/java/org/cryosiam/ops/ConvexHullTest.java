package org.cryosiam.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ConvexHullTest {

    @Test
    void lShapeIn2d() {
        // input           hull (skimage convex_hull_image)
        // 1 . . .         1 . . .
        // 1 . . .         1 1 . .
        // 1 . . .         1 1 1 .
        // 1 1 1 1         1 1 1 1
        byte[] m = {1, 0, 0, 0,
                    1, 0, 0, 0,
                    1, 0, 0, 0,
                    1, 1, 1, 1};
        assertArrayEquals(new byte[] {1, 0, 0, 0,
                                      1, 1, 0, 0,
                                      1, 1, 1, 0,
                                      1, 1, 1, 1}, ConvexHull.image2d(m, 4, 4));
    }

    @Test
    void twoDistantPixelsGiveTheThinDiamondBand() {
        // pixels (0,0) and (0,4): the hull of their diamonds is the row between them
        byte[] m = {1, 0, 0, 0, 1,
                    0, 0, 0, 0, 0};
        assertArrayEquals(new byte[] {1, 1, 1, 1, 1, 0, 0, 0, 0, 0}, ConvexHull.image2d(m, 2, 5));
    }

    @Test
    void emptyStaysEmpty() {
        assertArrayEquals(new byte[6], ConvexHull.image2d(new byte[6], 2, 3));
        assertArrayEquals(new byte[8], ConvexHull.image3d(new byte[8], 2, 2, 2));
    }

    @Test
    void coplanarVoxelsGiveAnEmptyHullLikeSkimage() {
        // all voxels in one z plane: Qhull fails on the flat centres, skimage returns zeros
        byte[] m = new byte[2 * 3 * 3];
        m[0] = 1;
        m[2] = 1;
        m[8] = 1;
        assertArrayEquals(new byte[18], ConvexHull.image3d(m, 2, 3, 3));
    }

    @Test
    void tetrahedronOfCornersIn3d() {
        // corners (0,0,0), (0,0,2), (0,2,0), (2,0,0) of a 3x3x3 cube: voxels with z+y+x <= 2 plus the
        // diamond margin (|offset| 0.5 on the long edges makes z+y+x <= 2.5 -> same integer set)
        byte[] m = new byte[27];
        m[0] = 1;
        m[2] = 1;
        m[6] = 1;
        m[18] = 1;
        byte[] h = ConvexHull.image3d(m, 3, 3, 3);
        for (int z = 0; z < 3; z++) {
            for (int y = 0; y < 3; y++) {
                for (int x = 0; x < 3; x++) {
                    boolean in = h[(z * 3 + y) * 3 + x] == 1;
                    assertTrue(in == (z + y + x <= 2), "voxel " + z + "," + y + "," + x);
                }
            }
        }
    }

    @Test
    void matchesSkimage() {
        Expected e = new Expected("hull.txt");
        assertArrayEquals(e.bytes("hull2"), ConvexHull.image2d(e.bytes("h2"), 15, 17));
        assertArrayEquals(e.bytes("hull3"), ConvexHull.image3d(e.bytes("h3"), 11, 12, 13));
        assertArrayEquals(e.bytes("hullblob"), ConvexHull.image3d(e.bytes("blob"), 14, 15, 16));
        assertArrayEquals(e.bytes("hull2b"), ConvexHull.image2d(e.bytes("h2b"), 30, 25));
    }
}
