package org.cryosiam.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScratchFileTest {
    @Test
    void readsBackAnyRangeAcrossAppendsAndTransferChunks(@TempDir Path dir) throws Exception {
        float[] values = new float[700_000]; // more than two transfer chunks
        for (int i = 0; i < values.length; i++) {
            values[i] = i * 0.5f - 3;
        }
        Path near = dir.resolve("t_foreground");
        try (ScratchFile f = new ScratchFile(near)) {
            f.append(values, 300_000);
            f.append(Arrays.copyOfRange(values, 300_000, values.length), 400_000);
            float[] got = new float[500_001];
            f.read(123_456, got);
            assertArrayEquals(Arrays.copyOfRange(values, 123_456, 623_457), got);
            assertThrows(IndexOutOfBoundsException.class, () -> f.read(values.length - 1, new float[2]));
        }
        try (var files = Files.list(dir)) {
            assertFalse(files.findAny().isPresent(), "the scratch file is deleted on close");
        }
    }
}
