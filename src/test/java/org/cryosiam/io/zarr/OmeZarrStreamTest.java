package org.cryosiam.io.zarr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.cryosiam.io.ElementType;
import org.cryosiam.io.Geometry;
import org.cryosiam.io.NdData;
import org.cryosiam.io.OutputSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OME-Zarr written plane by plane ({@link OmeZarrStream}) is the image {@link OmeZarr#write} makes from the whole
 * volume, file for file and byte for byte, however the planes arrive; it holds rows of chunks, not the volume.
 */
class OmeZarrStreamTest {
    @TempDir
    Path dir;

    private static final Geometry GEOMETRY = new Geometry(new float[] {13.48f, 13.48f, 13.48f},
            new float[] {5f, 6f, 7f}, new int[3]);

    private static NdData volume(ElementType type, int[] shape, long seed) {
        Random r = new Random(seed);
        int n = shape[0] * shape[1] * shape[2];
        if (type == ElementType.FLOAT32) {
            float[] f = new float[n];
            for (int i = 0; i < n; i++) {
                f[i] = (float) r.nextGaussian();
            }
            return NdData.float32(f, shape);
        }
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i / 97 % 5 == 0 ? r.nextInt(4) : 200 + r.nextInt(3)); // labels, some above 127
        }
        return NdData.uint8(b, shape);
    }

    /** Streams {@code v} in pieces of 1, 2, 3, 5, 8, 13… planes. */
    private static void stream(Path root, NdData v, boolean mode) {
        int[] s = v.shape();
        int plane = s[1] * s[2];
        try (OmeZarrStream out = OmeZarrStream.open(root, s, v.type(), GEOMETRY, 0, mode, "img", OutputSink.NONE)) {
            int z = 0;
            int a = 1;
            int b = 2;
            while (z < s[0]) {
                int k = Math.min(a, s[0] - z);
                Object piece = v.type().newArray(k * plane);
                System.arraycopy(v.data(), z * plane, piece, 0, k * plane);
                out.append(new NdData(v.type(), new int[] {k * plane}, piece));
                z += k;
                int c = a + b;
                a = b;
                b = c;
            }
            out.finish();
        }
    }

    private static List<Path> files(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).map(root::relativize).sorted().toList();
        }
    }

    private void assertSameImage(NdData v, boolean mode) throws IOException {
        Path whole = dir.resolve("whole-" + v.type().numpyName() + ".zarr");
        Path streamed = dir.resolve("streamed-" + v.type().numpyName() + ".zarr");
        OmeZarr.write(whole, v, GEOMETRY, 0, mode, "img", OutputSink.NONE);
        stream(streamed, v, mode);
        List<Path> expected = files(whole);
        assertEquals(expected, files(streamed));
        assertTrue(expected.size() > 10, "a pyramid of several levels and chunks: " + expected);
        for (Path f : expected) {
            assertArrayEquals(Files.readAllBytes(whole.resolve(f)), Files.readAllBytes(streamed.resolve(f)),
                    f.toString());
        }
    }

    @Test
    void aStreamedFloatPyramidIsTheWholeVolumesFileForFile() throws IOException {
        // 130 planes: two full rows of 64 and one of 2 at level 0; level 1 has 65 planes (an odd last row)
        assertSameImage(volume(ElementType.FLOAT32, new int[] {130, 70, 66}, 1), false);
    }

    @Test
    void aStreamedLabelPyramidIsTheWholeVolumesFileForFile() throws IOException {
        assertSameImage(volume(ElementType.UINT8, new int[] {141, 67, 129}, 2), true);
    }

    @Test
    void closingWithoutFinishingLeavesNothing() throws IOException {
        Path root = dir.resolve("partial.zarr");
        NdData v = volume(ElementType.FLOAT32, new int[] {80, 8, 8}, 3);
        try (OmeZarrStream out = OmeZarrStream.open(root, v.shape(), v.type(), GEOMETRY, 0, false, "img",
                OutputSink.NONE)) {
            out.append(NdData.float32(java.util.Arrays.copyOf(v.floats(), 70 * 64), 70 * 64));
        }
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(), s.toList(), "no target and no hidden folder");
        }
    }

    @Test
    void itHoldsRowsOfChunksNotTheVolume() {
        int[] big = {1200, 1200, 1200};
        long volume = 1200L * 1200 * 1200 * 4;
        long held = OmeZarrStream.bufferBytes(big, ElementType.FLOAT32, 0);
        long row = 64L * 1200 * 1200 * 4;
        assertTrue(held >= row && held < 1.4 * row, held + " bytes for a row of " + row);
        assertTrue(held < volume / 10, held + " of " + volume);
    }
}
