package org.cryosiam.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.Python;
import org.cryosiam.UserErrors;
import org.cryosiam.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Truncated files are refused (never read as if complete), soft links are followed. */
class Hdf5RobustnessTest {
    @TempDir
    Path dir;

    private static byte[] labels(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i % 7);
        }
        return b;
    }

    private static Path cut(Path f, long keep) throws IOException {
        byte[] all = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(all, (int) keep));
        return f;
    }

    @Test
    void ourTruncatedFileIsRefusedAtEveryCut() throws IOException {
        Path whole = dir.resolve("whole.h5");
        Hdf5.write(whole, "labels", NdData.uint8(labels(16 * 16 * 16), 16, 16, 16));
        long size = Files.size(whole);
        for (long keep : new long[] {size - 1, size / 2, size - 4096, 600}) {
            Path f = dir.resolve("cut" + keep + ".h5");
            Files.copy(whole, f);
            cut(f, keep);
            CryosiamUserException e = assertThrows(CryosiamUserException.class, () -> Hdf5.read(f, "labels"));
            UserErrors.assertNames(e, f, "truncated");
            assertThrows(CryosiamUserException.class, () -> Hdf5.datasetNames(f));
        }
    }

    @Test
    void truncatedH5pyFilesAreRefused() throws IOException {
        Python.run("import sys, h5py, numpy as np\n"
                + "v = (np.arange(32 ** 3) % 7).astype(np.uint8).reshape(32, 32, 32)\n"
                + "with h5py.File(sys.argv[1] + '/contiguous.h5', 'w') as h:\n"
                + "    h['labels'] = v\n"
                + "with h5py.File(sys.argv[1] + '/chunked.h5', 'w') as h:\n"
                + "    h.create_dataset('labels', data=v, chunks=(8, 8, 8))\n"
                + "with h5py.File(sys.argv[1] + '/gzip.h5', 'w') as h:\n"
                + "    h.create_dataset('labels', data=v, chunks=(8, 8, 8), compression='gzip')\n", dir);
        for (String name : List.of("contiguous", "chunked", "gzip")) {
            Path f = dir.resolve(name + ".h5");
            byte[] whole = Files.readAllBytes(f);
            assertEquals(6L, Hdf5.read(f, "labels").minMax()[1], name);
            for (int keep : new int[] {whole.length - 1, whole.length / 2, whole.length * 3 / 4}) {
                Files.write(f, Arrays.copyOf(whole, keep));
                assertThrows(CryosiamUserException.class, () -> Hdf5.read(f, "labels"), name + " cut at " + keep);
            }
        }
    }

    /** A superblock that lies about the end of the file: the dataset's own byte range is still checked. */
    @Test
    void contiguousDataPastTheEndIsRefusedEvenWhenTheSuperblockAgrees() throws IOException {
        Path f = dir.resolve("lying.h5");
        Python.run("import sys, h5py, numpy as np\n"
                + "with h5py.File(sys.argv[1], 'w') as h:\n" // superblock version 0: EOF address at byte 40
                + "    h['labels'] = (np.arange(4096) % 7).astype(np.uint8)\n", f);
        byte[] whole = Files.readAllBytes(f);
        byte[] half = Arrays.copyOf(whole, whole.length - 1000);
        java.nio.ByteBuffer.wrap(half).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(40, half.length);
        Files.write(f, half);
        CryosiamUserException e = assertThrows(CryosiamUserException.class, () -> Hdf5.read(f, "labels"));
        UserErrors.assertNames(e, f, "truncated");
    }

    @Test
    void softLinksAreFollowed() {
        Path f = dir.resolve("links.h5");
        Python.run("import sys, h5py, numpy as np\n"
                + "with h5py.File(sys.argv[1], 'w') as h:\n"
                + "    h['g/data'] = np.array([1, 2, 3], dtype=np.int64)\n"
                + "    h['labels'] = h5py.SoftLink('/g/data')\n"
                + "    h['chain'] = h5py.SoftLink('/labels')\n"
                + "    h['broken'] = h5py.SoftLink('/nowhere')\n"
                + "    h['loop1'] = h5py.SoftLink('/loop2')\n"
                + "    h['loop2'] = h5py.SoftLink('/loop1')\n", f);
        assertEquals(List.of("chain", "labels"), Hdf5.datasetNames(f));
        assertArrayEquals(new long[] {1, 2, 3}, Hdf5.read(f, "labels").longs());
        assertArrayEquals(new long[] {1, 2, 3}, Hdf5.read(f, "chain").longs());
        for (String bad : List.of("broken", "loop1")) {
            CryosiamUserException e = assertThrows(CryosiamUserException.class, () -> Hdf5.read(f, bad));
            UserErrors.assertNames(e, f, "'" + bad + "'");
        }
    }

    @Test
    void infoAndPostprocessingRefuseATruncatedPredictionAndLeaveItAlone() throws IOException {
        Path data = Files.createDirectories(dir.resolve("data"));
        Path preds = Files.createDirectories(dir.resolve("preds"));
        Files.writeString(data.resolve("TS_01.mrc"), "");
        Path h5 = preds.resolve("TS_01_preds.h5");
        Hdf5.write(h5, "labels", NdData.uint8(labels(16 * 16 * 16), 16, 16, 16));
        cut(h5, Files.size(h5) / 2);
        byte[] before = Files.readAllBytes(h5);
        UserErrors.assertOneSentence(CliRun.run("info", h5.toString()), h5, "truncated");
        Path cfg = dir.resolve("post.yaml");
        Files.writeString(cfg, "data_folder: " + data + "\nprediction_folder: " + preds + "\nfile_extension: .mrc\n"
                + "parameters:\n  network:\n    postprocessing_sizes: [-1, 1, -1]\n");
        UserErrors.assertOneSentence(CliRun.run("--quiet", "semantic_postprocessing", "--config_file", cfg.toString()),
                h5, "truncated");
        assertArrayEquals(before, Files.readAllBytes(h5), "a truncated input is never rewritten");
    }
}
