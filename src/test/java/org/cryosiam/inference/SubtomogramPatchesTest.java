package org.cryosiam.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.cryosiam.volume.Volume;
import org.junit.jupiter.api.Test;

class SubtomogramPatchesTest {
    @Test
    void padsSymmetricallyAndCropsTheCentre() {
        // one axis of 3 into 6: before = 1, after = 2; one of 7 into 4: start = 3 - 2 = 1; one equal
        float[] d = new float[3 * 7 * 2];
        for (int i = 0; i < d.length; i++) {
            d[i] = i + 1;
        }
        SubtomogramPatches.Box box = new SubtomogramPatches.Box(d, 3, 7, 2);
        float[] out = new float[6 * 4 * 2];
        SubtomogramPatches.fit(box, new int[] {6, 4, 2}, out, 0);
        for (int z = 0; z < 6; z++) {
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 2; x++) {
                    int sz = z - 1;
                    float want = sz < 0 || sz >= 3 ? 0 : d[(sz * 7 + y + 1) * 2 + x];
                    assertEquals(want, out[(z * 4 + y) * 2 + x], "at " + z + "," + y + "," + x);
                }
            }
        }
    }

    @Test
    void masksByHullOrInstance() {
        Volume v = new Volume(new float[27], 3, 3, 3);
        java.util.Arrays.fill(v.data(), 1f);
        byte[] mask = new byte[27];
        mask[0] = 1; // (0,0,0)
        mask[2] = 1; // (0,0,2)
        mask[26] = 1; // (2,2,2)
        mask[18] = 1; // (2,0,0)
        SubtomogramPatches.Box strict = SubtomogramPatches.crop(v, 0, 0, 0, 3, 3, 3);
        assertEquals(0, SubtomogramPatches.mask(strict, mask, SubtomogramPatches.STRICT_MASK));
        float sum = 0;
        for (float f : strict.data()) {
            sum += f;
        }
        assertEquals(4f, sum);
        SubtomogramPatches.Box hull = SubtomogramPatches.crop(v, 0, 0, 0, 3, 3, 3);
        long area = SubtomogramPatches.mask(hull, mask, SubtomogramPatches.HULL_MASK);
        float hs = 0;
        for (float f : hull.data()) {
            hs += f;
        }
        assertEquals(area, (long) hs);
        SubtomogramPatches.Box none = SubtomogramPatches.crop(v, 1, 1, 1, 3, 3, 2);
        assertEquals(0, SubtomogramPatches.mask(none, null, SubtomogramPatches.NO_MASK));
        assertArrayEquals(new float[] {1, 1, 1, 1}, none.data());
    }
}
