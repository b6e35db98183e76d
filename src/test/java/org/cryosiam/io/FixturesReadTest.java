package org.cryosiam.io;

import org.cryosiam.Python;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.cryosiam.Fixtures;
import org.cryosiam.volume.Volume;
import org.junit.jupiter.api.Test;

/** Every reference file of every case reads; one file per format is checked against values found independently. */
class FixturesReadTest {
    private static List<Path> files(String... exts) throws IOException {
        Path root = Fixtures.root();
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> {
                        String rel = root.relativize(p).toString();
                        return rel.contains("/expected/") || rel.contains("/tomograms/");
                    })
                    .filter(p -> Stream.of(exts).anyMatch(e -> p.toString().endsWith(e)))
                    .sorted().collect(Collectors.toList());
        }
    }

    @Test
    void everyExpectedAndTomogramFileReads() throws IOException {
        List<Path> all = files(".mrc", ".h5", ".csv", ".star");
        assertTrue(all.size() >= 50, "found only " + all.size() + " fixture files");
        for (Path p : all) {
            List<String> lines = FileInfo.describe(p, null);
            assertFalse(lines.isEmpty(), p.toString());
            if (p.toString().endsWith(".h5")) {
                assertFalse(Hdf5.readAll(p).isEmpty(), p.toString());
            }
        }
    }

    /** The tomogram's header and a few voxels, decoded here from the raw bytes by hand. */
    @Test
    void tomogramValuesMatchRawBytes() throws IOException {
        Path p = Fixtures.pipelineSmall().resolve("tomograms/TS_02.mrc");
        ByteBuffer raw;
        try (FileChannel ch = FileChannel.open(p)) {
            raw = ByteBuffer.allocate((int) ch.size()).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(raw, 0);
        }
        int nx = raw.getInt(0), ny = raw.getInt(4), nz = raw.getInt(8);
        Volume v = MrcReader.read(p);
        assertArrayEquals(new int[] {33, 64, 61}, v.shape());
        assertArrayEquals(new int[] {nz, ny, nx}, v.shape());
        int off = 1024 + raw.getInt(92);
        for (int[] zyx : new int[][] {{0, 0, 0}, {32, 63, 60}, {17, 5, 42}, {3, 40, 1}}) {
            int i = (zyx[0] * ny + zyx[1]) * nx + zyx[2];
            assertEquals(raw.getFloat(off + 4 * i), v.get(zyx[0], zyx[1], zyx[2]));
        }
        assertEquals(13.48f, v.voxelSize()[0], 1e-5f);
    }

    /** A prediction file's values, printed by h5py. */
    @Test
    void predictionValuesMatchH5py() {
        Path p = Fixtures.pipelineSmall().resolve("expected/instance/TS_01_instance_preds.h5");
        NdData d = Hdf5.read(p, "instances");
        assertEquals(ElementType.UINT32, d.type());
        long[] l = d.toLongArray();
        long sum = 0, max = 0;
        for (long x : l) {
            sum += x;
            max = Math.max(max, x);
        }
        String py = Python.run("import sys, h5py, numpy as np\n"
                + "a = h5py.File(sys.argv[1], 'r')['instances'][()]\n"
                + "print(a.shape, int(a.sum(dtype=np.int64)), int(a.max()), int(a[20, 30, 40]))", p);
        assertEquals("(40, 52, 47) " + sum + " " + max + " " + l[(20 * 52 + 30) * 47 + 40], py);
        NdData probs = Hdf5.read(Fixtures.pipelineSmall().resolve("expected/lamella/TS_01_preds.h5"), "probs");
        assertArrayEquals(new int[] {1, 40, 52, 47}, probs.shape());
        String pyProbs = Python.run("import sys, h5py\n"
                + "print(repr(float(h5py.File(sys.argv[1], 'r')['probs'][0, 39, 51, 46])))",
                Fixtures.pipelineSmall().resolve("expected/lamella/TS_01_preds.h5"));
        assertEquals(pyProbs, PythonFloat.repr(probs.floats()[probs.size() - 1]));
    }
}
