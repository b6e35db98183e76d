package org.cryosiam.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.cryosiam.CliRun;
import org.cryosiam.volume.Volume;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cryosiam info} through the CLI ({@link CliRun}): good files print, bad ones exit 2 with one sentence naming them. */
class InfoCommandTest {
    @TempDir
    Path dir;

    private static CliRun run(String... args) {
        return CliRun.run(args);
    }

    private static void assertOneSentence(CliRun r, Path file, String what) {
        assertEquals(2, r.code(), r.err());
        String[] lines = r.err().strip().split("\n");
        assertEquals(1, lines.length, r.err());
        assertTrue(lines[0].contains(file.toString()) && lines[0].contains(what) && lines[0].endsWith("."),
                lines[0]);
    }

    @Test
    void describesEachFormat() {
        Path mrc = dir.resolve("v.mrc");
        MrcWriter.write(mrc, new Volume(new float[] {1, 2, 3, 6}, 1, 2, 2, new float[] {10f, 10f, 10f}));
        Path h5 = dir.resolve("p.h5");
        Hdf5.write(h5, "labels", NdData.uint8(new byte[] {0, 3}, 2));
        Path csv = dir.resolve("t.csv");
        Csv.write(csv, Table.builder().longs("label", new long[] {1, 2}).build());
        CliRun r = run("info", mrc.toString(), h5.toString(), "--dataset", "labels", csv.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("shape (z, y, x): (1, 2, 2)  mode 2 (float32)"), r.out());
        assertTrue(r.out().contains("voxel size (x, y, z): 10.0, 10.0, 10.0"), r.out());
        assertTrue(r.out().contains("min 1  max 6  mean 3"), r.out());
        assertTrue(r.out().contains("labels  shape (2,)  uint8  min 0  max 3"), r.out());
        assertTrue(r.out().contains("CSV, 2 row(s), 1 column(s)"), r.out());
    }

    @Test
    void showsWhereAVolumeLies() {
        Path mrc = dir.resolve("placed.mrc");
        MrcWriter.write(mrc, NdData.float32(new float[] {1, 2}, 1, 1, 2), new Geometry(new float[] {2.5f, 2.5f, 3f},
                new float[] {-10f, 0.5f, 7f}, new int[] {3, 0, -1}), "denoise_predict");
        Path h5 = dir.resolve("preds.h5");
        Hdf5.write(h5, "preds", NdData.float32(new float[] {1, 2}, 1, 1, 2),
                Hdf5.Options.of(Geometry.of(new float[] {2.5f, 2.5f, 3f})));
        CliRun r = run("info", mrc.toString(), h5.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("origin (x, y, z): -10.0, 0.5, 7.0 Å  start (x, y, z): 3, 0, -1"), r.out());
        assertTrue(r.out().contains("HDF5, 1 dataset(s)\n  voxel size (x, y, z): 2.5, 2.5, 3.0 Å"), r.out());
    }

    @Test
    void truncatedMrc() throws IOException {
        Path p = dir.resolve("cut.mrc");
        byte[] full = MrcTest.rawMrc(ByteOrder.LITTLE_ENDIAN, 8, 8, 8, 2, 0, new float[] {1, 1, 1}, new byte[2048]);
        Files.write(p, Arrays.copyOf(full, full.length - 1));
        assertOneSentence(run("info", p.toString()), p, "truncated");
    }

    @Test
    void textFileNamedMrc() throws IOException {
        Path p = dir.resolve("readme.mrc");
        Files.writeString(p, "Tomogram TS_01, acquired 2023.\n".repeat(50));
        assertOneSentence(run("info", p.toString()), p, "not an MRC file");
    }

    @Test
    void hdf5WithoutTheAskedDataset() {
        Path p = dir.resolve("preds.h5");
        Hdf5.write(p, "probs", NdData.float32(new float[] {0.5f}, 1));
        assertOneSentence(run("info", "--dataset", "labels", p.toString()), p, "no dataset 'labels'");
    }

    @Test
    void missingFile() {
        Path p = dir.resolve("absent.star");
        assertOneSentence(run("info", p.toString()), p, "file not found");
    }

    /** Several files with bad ones among them (issue 28, item 15): each is reported, the good ones described, exit 2. */
    @Test
    void everyFileIsReportedAndTheBadOnesMakeExitTwo() throws IOException {
        Path good = dir.resolve("v.mrc");
        MrcWriter.write(good, new Volume(new float[] {1, 2, 3, 6}, 1, 2, 2, new float[] {10f, 10f, 10f}));
        Path bad1 = Files.writeString(dir.resolve("a.mrc"), "not an MRC");
        Path bad2 = Files.writeString(dir.resolve("b.txt"), "nothing we read");
        CliRun r = run("info", bad1.toString(), good.toString(), bad2.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.out().contains(good + ": MRC"), r.out());
        String[] lines = r.err().strip().split("\n");
        assertEquals(2, lines.length, r.err());
        assertTrue(lines[0].startsWith("cryosiam info: " + bad1), lines[0]);
        assertTrue(lines[1].startsWith("cryosiam info: " + bad2), lines[1]);
        assertEquals(0, run("info", good.toString(), good.toString()).code());
    }
}
