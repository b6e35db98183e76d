package org.cryosiam.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.cryosiam.CliRun;
import org.cryosiam.io.ElementType;
import org.cryosiam.io.MrcReader;
import org.cryosiam.io.MrcWriter;
import org.cryosiam.io.NdData;
import org.cryosiam.volume.Volume;

/** Helpers of the processing command tests: running the CLI, small MRC files, and Python cross-checks. */
final class ProcessingSupport {
    private ProcessingSupport() {
    }

    /** Exit code and what the command printed on stderr. */
    record Result(int code, String err) {
        /** Asserts exit code 0. */
        void assertOk() {
            assertEquals(0, code, err);
        }

        /** Asserts exit code 2 with one line (one sentence) that contains {@code part}. */
        void assertUserError(String part) {
            assertEquals(2, code, err);
            String[] lines = err.strip().split("\n");
            assertEquals(1, lines.length, "one line: " + err);
            assertTrue(lines[0].contains(part), "'" + part + "' in: " + err);
            assertTrue(lines[0].endsWith("."), "a sentence: " + err);
        }
    }

    static Result run(String... args) {
        CliRun r = CliRun.run(args);
        return new Result(r.code(), r.err());
    }

    /** {@code command --config_file <the step's configs/config> extra…} through the CLI. */
    static Result run(org.cryosiam.FixtureStep step, String command, String config, String... extra) {
        String[] args = new String[3 + extra.length];
        args[0] = command;
        args[1] = "--config_file";
        args[2] = step.work.resolve("configs/" + config).toString();
        System.arraycopy(extra, 0, args, 3, extra.length);
        return run(args);
    }

    /**
     * A folder path under {@code dir} that this process cannot create or write: inside a read-only folder, or, for
     * root (which permission bits do not stop), under read-only /sys; skips the test where neither denies. The
     * read-only folder stays empty, so the temporary directory can still be deleted.
     */
    static Path unwritableFolder(Path dir) throws java.io.IOException {
        Path locked = java.nio.file.Files.createDirectories(dir.resolve("locked"));
        locked.toFile().setWritable(false, false);
        if (!java.nio.file.Files.isWritable(locked)) {
            return locked.resolve("out");
        }
        org.junit.jupiter.api.Assumptions.assumeFalse(canCreate(Path.of("/sys/cryosiam-probe")),
                "no folder that root cannot write");
        return Path.of("/sys/cryosiam-test-output");
    }

    private static boolean canCreate(Path file) {
        try {
            java.nio.file.Files.delete(java.nio.file.Files.createFile(file));
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** An all-zero float tomogram of the given size and voxel size (Å). */
    static Path tomogram(Path file, int nz, int ny, int nx, float voxel) {
        MrcWriter.write(file, Volume.zeros(nz, ny, nx, new float[] {voxel, voxel, voxel}));
        return file;
    }

    /** A mask we wrote, as ints, after checking its element type (uint8 masks are stored in mode 6, uint16). */
    static int[] mask(Path file) {
        MrcReader.MrcData d = MrcReader.readData(file);
        assertEquals(6, d.header().mode(), "uint8 masks are written as mode 6 (as mrcfile writes uint8)");
        assertEquals(ElementType.UINT16, d.data().type());
        return d.data().toIntArray();
    }

    static int count(int[] v, int value) {
        int c = 0;
        for (int x : v) {
            c += x == value ? 1 : 0;
        }
        return c;
    }

    static NdData data(Path file) {
        return MrcReader.readData(file).data();
    }

    /** {@link org.cryosiam.Python#run}. */
    static String python(String script, Object... args) {
        return org.cryosiam.Python.run(script, args);
    }
}
