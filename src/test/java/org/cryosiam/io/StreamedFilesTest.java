package org.cryosiam.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files written piece by piece are the files written whole; volumes read plane by plane are the volumes read whole. */
class StreamedFilesTest {
    @TempDir
    Path dir;

    private static float[] values(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) Math.cos(i * 0.11) * 1000 + i % 7;
        }
        return v;
    }

    @Test
    void hdf5WrittenInPiecesInAnyOrderIsByteIdentical() throws IOException {
        int[] shape = {5, 6, 7};
        int n = 210;
        float[] probs = values(2 * n);
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            labels[i] = (byte) (i % 5);
        }
        Map<String, NdData> whole = new LinkedHashMap<>();
        whole.put("labels", NdData.uint8(labels, shape));
        whole.put("probs", NdData.float32(probs, 2, 5, 6, 7));
        Path a = dir.resolve("whole.h5");
        Hdf5.write(a, whole, new Hdf5.Options(Geometry.of(new float[] {2, 3, 4}), true));

        Map<String, Hdf5.DatasetSpec> specs = new LinkedHashMap<>();
        specs.put("labels", new Hdf5.DatasetSpec(ElementType.UINT8, shape));
        specs.put("probs", new Hdf5.DatasetSpec(ElementType.FLOAT32, 2, 5, 6, 7));
        Path b = dir.resolve("pieces.h5");
        try (Hdf5.Stream out = Hdf5.stream(b, specs, new Hdf5.Options(Geometry.of(new float[] {2, 3, 4}), true), OutputSink.NONE)) {
            for (int z = 4; z >= 0; z--) { // planes backwards, channels interleaved
                for (int c = 1; c >= 0; c--) {
                    int at = c * n + z * 42;
                    out.write("probs", at, NdData.float32(Arrays.copyOfRange(probs, at, at + 42), 42));
                }
                out.write("labels", z * 42L, NdData.uint8(Arrays.copyOfRange(labels, z * 42, z * 42 + 42), 42));
            }
            assertFalse(Files.exists(b), "nothing under the name before finish");
            out.finish();
        }
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
    }

    @Test
    void unfinishedStreamsLeaveNothing() throws IOException {
        Path h5 = dir.resolve("x.h5");
        try (Hdf5.Stream out = Hdf5.stream(h5, Map.of("a", new Hdf5.DatasetSpec(ElementType.FLOAT32, 2, 2)),
                Hdf5.Options.NONE, OutputSink.NONE)) {
            out.write("a", 0, NdData.float32(new float[] {1, 2}, 2));
        }
        Path mrc = dir.resolve("x.mrc");
        try (MrcWriter.Stream out = MrcWriter.stream(mrc, new int[] {1, 2, 2}, ElementType.FLOAT32, false,
                Geometry.of(new float[] {1, 1, 1}), null, OutputSink.NONE)) {
            out.append(NdData.float32(new float[] {1, 2}, 2));
        }
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count(), "no output and no temporary file left");
        }
    }

    @Test
    void mrcWrittenInUnevenPiecesHasTheSameVoxelsAndStatistics() {
        int[] shape = {9, 300, 500}; // 1.35 M voxels: more than one statistics piece
        int n = 9 * 300 * 500;
        float[] v = values(n);
        Geometry g = Geometry.of(new float[] {13.48f, 13.48f, 13.48f});
        for (boolean half : new boolean[] {false, true}) {
            Path a = dir.resolve("whole" + half + ".mrc");
            if (half) {
                MrcWriter.writeFloat16(a, NdData.float32(v, shape), g, "x");
            } else {
                MrcWriter.write(a, NdData.float32(v, shape), g, "x");
            }
            Path b = dir.resolve("pieces" + half + ".mrc");
            try (MrcWriter.Stream out = MrcWriter.stream(b, shape, ElementType.FLOAT32, half, g, "x",
                    OutputSink.NONE)) {
                int at = 0;
                for (int len : new int[] {1, 150_000, 999_999, n - 1_150_000}) {
                    out.append(NdData.float32(Arrays.copyOfRange(v, at, at + len), len));
                    at += len;
                }
                out.finish();
            }
            MrcReader.MrcData x = MrcReader.readData(a);
            MrcReader.MrcData y = MrcReader.readData(b);
            assertArrayEquals(x.data().toFloatArray(), y.data().toFloatArray());
            assertEquals(x.header().dmin(), y.header().dmin());
            assertEquals(x.header().dmax(), y.header().dmax());
            assertEquals(x.header().dmean(), y.header().dmean());
            assertEquals(x.header().rms(), y.header().rms());
        }
    }

    @Test
    void planesOfEveryModeEqualTheWholeVolume() {
        int[] shape = {3, 5, 7};
        int n = 105;
        Geometry g = Geometry.of(new float[] {1, 1, 1});
        byte[] b = new byte[n];
        short[] s = new short[n];
        float[] f = values(n);
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 37 - 100);
            s[i] = (short) (i * 997 - 30000);
        }
        NdData[] cases = {NdData.int8(b, shape), NdData.int16(s, shape), NdData.uint16(s, shape),
                NdData.float32(f, shape)};
        int k = 0;
        for (NdData d : cases) {
            Path p = dir.resolve("m" + k++ + ".mrc");
            MrcWriter.write(p, d, g, null);
            check(p, shape);
        }
        Path half = dir.resolve("half.mrc");
        MrcWriter.writeFloat16(half, NdData.float32(f, shape), g, null);
        check(half, shape);
    }

    private static void check(Path p, int[] shape) {
        float[] whole = MrcReader.read(p).data();
        int plane = shape[1] * shape[2];
        try (PlaneReader r = MrcReader.planes(p)) {
            assertArrayEquals(shape, r.shape());
            float[] dst = new float[plane];
            for (int z = shape[0] - 1; z >= 0; z--) {
                r.read(z, dst);
                assertArrayEquals(Arrays.copyOfRange(whole, z * plane, (z + 1) * plane), dst, p + " plane " + z);
            }
        }
    }
}
