package org.cryosiam.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.cryosiam.Main;
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
        PrintStream old = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            int code = Main.run(args);
            System.err.flush();
            return new Result(code, buf.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(old);
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

    /**
     * Runs a snippet with Debian's {@code /usr/bin/python3} (numpy, scipy, mrcfile) and returns stdout, trimmed. A
     * missing interpreter or module fails the test: a skipped cross-check proves nothing.
     */
    static String python(String script, Object... args) {
        String exe = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
        List<String> cmd = new ArrayList<>(List.of(exe, "-c", script));
        for (Object a : args) {
            cmd.add(String.valueOf(a));
        }
        try {
            Path err = Files.createTempFile("python-stderr", ".txt");
            Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("python timed out");
            }
            String text = new String(out, StandardCharsets.UTF_8);
            String errors = Files.readString(err);
            Files.deleteIfExists(err);
            assertEquals(0, p.exitValue(), "python3 failed (needs python3-numpy, python3-scipy, python3-mrcfile):\n"
                    + text + errors);
            return text.trim();
        } catch (IOException e) {
            return fail("cannot run python3 (install python3, python3-numpy, python3-scipy, python3-mrcfile): "
                    + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted");
        }
    }
}
