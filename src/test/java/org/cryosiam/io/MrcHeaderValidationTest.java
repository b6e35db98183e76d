package org.cryosiam.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.UserErrors;
import org.cryosiam.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Headers that do not describe their file are refused with one sentence naming it, before any allocation. */
class MrcHeaderValidationTest {
    @TempDir
    Path dir;

    private static final float[] ONES = {1, 1, 1};

    /** A valid 4x3x2 int8 volume (24 bytes of data). */
    private static byte[] valid() {
        byte[] data = new byte[24];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }
        return MrcTest.rawMrc(ByteOrder.LITTLE_ENDIAN, 4, 3, 2, 0, 0, ONES, data);
    }

    private Path withInts(String name, byte[] content, int... offsetValuePairs) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(content.clone()).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < offsetValuePairs.length; i += 2) {
            b.putInt(offsetValuePairs[i], offsetValuePairs[i + 1]);
        }
        Path p = dir.resolve(name);
        Files.write(p, b.array());
        return p;
    }

    private static void refused(Path p, String what) {
        CryosiamUserException e = assertThrows(CryosiamUserException.class, () -> MrcReader.read(p));
        UserErrors.assertNames(e, p, what);
        assertThrows(CryosiamUserException.class, () -> MrcReader.readHeader(p));
    }

    @Test
    void theValidFileReads() throws IOException {
        Path p = withInts("ok.mrc", valid());
        assertArrayEquals(new int[] {2, 3, 4}, MrcReader.read(p).shape());
        // any permutation of the axes is a valid map order, read into (z, y, x) as ChimeraX reads it: here the 4
        // columns run along z and the 2 sections along x (MrcAxisOrderTest checks the values)
        assertArrayEquals(new int[] {4, 3, 2}, MrcReader.read(withInts("perm.mrc", valid(), 64, 3, 72, 1)).shape());
    }

    @Test
    void mapOrderMustBeAPermutationOf123() throws IOException {
        refused(withInts("zero.mrc", valid(), 64, 0, 68, 0, 72, 0), "not a permutation of 1, 2, 3");
        refused(withInts("twice.mrc", valid(), 64, 1, 68, 1, 72, 2), "not a permutation of 1, 2, 3");
        refused(withInts("four.mrc", valid(), 72, 4), "not a permutation of 1, 2, 3");
    }

    @Test
    void dimensionsMustMatchTheFileSize() throws IOException {
        refused(withInts("nx_small.mrc", valid(), 0, 3), "do not match the data"); // 18 of 24 data bytes
        refused(withInts("nz_small.mrc", valid(), 8, 1), "do not match the data");
        refused(withInts("nz_large.mrc", valid(), 8, 3), "truncated");
        refused(withInts("huge.mrc", valid(), 0, 1 << 30, 4, 1 << 30, 8, 1 << 30), "truncated"); // never allocated
        refused(withInts("huge_f.mrc", valid(), 0, Integer.MAX_VALUE, 4, Integer.MAX_VALUE, 8, Integer.MAX_VALUE,
                12, 2), "truncated");
        refused(withInts("negative.mrc", valid(), 4, -3), "MRC");
        refused(withInts("zero_dim.mrc", valid(), 8, 0), "MRC");
        Path cut = dir.resolve("cut.mrc");
        Files.write(cut, Arrays.copyOf(valid(), 1024 + 10));
        refused(cut, "truncated");
    }

    @Test
    void theCliSaysOneSentence() throws IOException {
        Path p = withInts("zero.mrc", valid(), 64, 0, 68, 0, 72, 0);
        UserErrors.assertOneSentence(CliRun.run("info", p.toString()), p, "map order");
    }
}
