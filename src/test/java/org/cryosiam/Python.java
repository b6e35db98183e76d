package org.cryosiam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a Python snippet with Debian's python3 (numpy, scipy, h5py, mrcfile, torch: what .ci/run installs) as an
 * independent checker. A missing interpreter or module fails the test on purpose: a skipped cross-check proves nothing.
 */
public final class Python {
    private Python() {
    }

    public static String interpreter() {
        return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    }

    /** Runs {@code script} with {@code args} as {@code sys.argv[1:]}; returns stdout, trimmed. Fails on exit != 0. */
    public static String run(String script, Object... args) {
        List<String> cmd = new ArrayList<>(List.of(interpreter(), "-c", script));
        for (Object a : args) {
            cmd.add(String.valueOf(a));
        }
        try {
            // stderr goes to a file: warnings must not mix into the values a test parses
            Path err = Files.createTempFile("python-stderr", ".txt");
            Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(300, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("python timed out");
            }
            String text = new String(out, StandardCharsets.UTF_8);
            String errors = Files.readString(err);
            Files.deleteIfExists(err);
            assertEquals(0, p.exitValue(), "python3 failed (.ci/run installs python3-numpy, -scipy, -h5py, -mrcfile, -torch):\n"
                    + text + errors);
            return text.trim();
        } catch (IOException e) {
            return fail("cannot run python3 (.ci/run installs it with its modules): " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted");
        }
    }
}
