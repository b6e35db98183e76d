package org.cryosiam.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.io.Hdf5;
import org.cryosiam.io.NdData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LamellaMaskTest {
    @TempDir
    Path dir;

    @Test
    void readsTheLabelsOfTheLamellaRun() {
        byte[] labels = {0, 1, 1, 0, 1, 0, 0, 1};
        Hdf5.write(dir.resolve("TS_preds.h5"), "labels", NdData.uint8(labels, 2, 2, 2));
        assertArrayEquals(labels, LamellaMask.load(dir, "TS", new int[] {2, 2, 2}));
        float[] map = {1, 2, 3, 4, 5, 6, 7, 8};
        LamellaMask.apply(map, labels);
        assertArrayEquals(new float[] {0, 2, 3, 0, 5, 0, 0, 8}, map);
    }

    @Test
    void resamplesAMaskOfAnotherShape() {
        byte[] ones = {1, 1, 1, 1, 1, 1, 1, 1};
        Hdf5.write(dir.resolve("TS_preds.h5"), "labels", NdData.uint8(ones, 2, 2, 2));
        byte[] m = LamellaMask.load(dir, "TS", new int[] {3, 4, 5});
        assertEquals(60, m.length);
        for (byte b : m) {
            assertEquals(1, b);
        }
    }

    @Test
    void aMissingMaskNamesTheFile() {
        CryosiamUserException e = assertThrows(CryosiamUserException.class,
                () -> LamellaMask.load(dir, "TS_09", new int[] {2, 2, 2}));
        assertTrue(e.getMessage().contains("TS_09_preds.h5"), e.getMessage());
    }
}
