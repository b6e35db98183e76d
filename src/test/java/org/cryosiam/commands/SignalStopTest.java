package org.cryosiam.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.cryosiam.FixtureStep;
import org.cryosiam.Fixtures;
import org.cryosiam.Main;
import org.cryosiam.io.Json;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 28 item 8: Ctrl-C during {@code denoise_predict} once ended in a SIGSEGV inside libtorch's convolution (exit
 * 134 and an {@code hs_err_pid*.log}), as the JVM's shutdown freed native state under the running batch, and left
 * the temporaries behind. The real CLI in a child JVM gets SIGINT and SIGTERM at varied moments of its batches: each
 * time it exits with 130 or 143, says where it stopped, leaves no temporary file, no lock and no JVM crash log, and
 * its run record says "interrupted".
 *
 * <p>{@code -Dcryosiam.signal.trials=N} (default 10, half of them SIGINT) runs a longer stress.
 */
class SignalStopTest {
    @TempDir
    Path dir;

    /** A prefix that gives the child SIGINT's default action (a background job of a script starts with it ignored). */
    private static List<String> defaultSignals() throws InterruptedException {
        try {
            Process p = new ProcessBuilder("env", "--default-signal=INT", "true").start();
            if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0) {
                return List.of("env", "--default-signal=INT");
            }
        } catch (IOException e) {
            // no GNU env: the child inherits this JVM's disposition
        }
        return List.of();
    }

    /** Whether process {@code pid} ignores SIGINT (bit 2 of SigIgn in /proc): then SIGINT cannot be tested. */
    private static boolean ignoresInt(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("SigIgn:")) {
                    return (Long.parseLong(line.substring(7).strip(), 16) & 2) != 0;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: assume the default action
        }
        return false;
    }

    /** One child run: its signal, when to send it, its folders and process. */
    private static final class Trial {
        final int index;
        final String signal;
        final long delayMs;
        final Path work;
        final Path log;
        final Path cfg;
        final Path out;
        Process process;
        long readyAt;
        boolean sent;

        Trial(int index, String signal, long delayMs, Path work, Path cfg, Path out) {
            this.index = index;
            this.signal = signal;
            this.delayMs = delayMs;
            this.work = work;
            this.log = work.resolve("err.txt");
            this.cfg = cfg;
            this.out = out;
        }

        String what() {
            return "trial " + index + " (SIG" + signal + " " + delayMs + " ms after the model line): ";
        }
    }

    /** A copy of the pipeline case whose denoise config runs one patch a batch (many short native calls). */
    private FixtureStep copy(String name) throws IOException {
        FixtureStep step = new FixtureStep(Fixtures.pipelineSmall(), dir.resolve(name));
        Path cfg = step.work.resolve("configs/denoise.yaml");
        Files.writeString(cfg, Files.readString(cfg).replace("batch_size: 3", "batch_size: 1"));
        return step;
    }

    @Test
    void sigintAndSigtermMidBatchStopCleanly() throws Exception {
        // a SIGINT and a SIGTERM run side by side (each in its own folder), at the same delay, 5 delays: the JVMs'
        // start-up, most of each trial, overlaps
        FixtureStep[] cases = {copy("int"), copy("term")};
        List<String> prefix = defaultSignals();
        int trials = Integer.getInteger("cryosiam.signal.trials", 10);
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < trials; i += 2) {
            // a patch takes about 1 s here (the first one longer): 0.2 s to 2.2 s after the last line before the
            // first batch lands in the first three batches; a longer stress spreads them over 5 s, into the second
            // tomogram too
            long delay = trials <= 10 ? 200 + 500L * (i / 2) : 100 + (i / 2 * 1237L) % 5000;
            List<Trial> pair = new ArrayList<>();
            for (int k = 0; k < 2 && i + k < trials; k++) {
                FixtureStep c = cases[k];
                Trial t = new Trial(i + k, k == 0 ? "INT" : "TERM", delay,
                        Files.createDirectories(dir.resolve("run" + (i + k))), c.work.resolve("configs/denoise.yaml"),
                        c.actual("denoised"));
                List<String> cmd = new ArrayList<>(prefix);
                cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
                        "-XX:+UseSerialGC", "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"),
                        Main.class.getName(), "--device", "cpu", "denoise_predict", "--config_file",
                        t.cfg.toString()));
                t.process = new ProcessBuilder(cmd).directory(t.work.toFile()).redirectErrorStream(true)
                        .redirectOutput(t.log.toFile()).start();
                pair.add(t);
            }
            try {
                signal(pair);
                for (Trial t : pair) {
                    if (t.sent) {
                        assertTrue(t.process.waitFor(120, TimeUnit.SECONDS), t.what() + "still running");
                    }
                }
            } finally {
                pair.forEach(t -> t.process.destroyForcibly());
            }
            for (Trial t : pair) {
                if (!t.sent) {
                    seen.add(t.what() + "not sent: the child ignores SIGINT (a script's background job)");
                } else {
                    seen.add(t.what() + check(t));
                }
            }
        }
        Assumptions.assumeTrue(seen.stream().anyMatch(s -> s.contains("stopped after")), String.join("\n", seen));
        System.out.println(String.join("\n", seen));
    }

    /** Sends each trial its signal {@code delayMs} after its log shows the model line. */
    private static void signal(List<Trial> pair) throws Exception {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (pair.stream().anyMatch(t -> !t.sent && t.process.isAlive()) && System.nanoTime() < deadline) {
            for (Trial t : pair) {
                if (t.sent || !t.process.isAlive()) {
                    continue;
                }
                if (t.readyAt == 0 && Files.readString(t.log).contains("model denoise.ckpt")) {
                    t.readyAt = System.nanoTime();
                    if (t.signal.equals("INT") && ignoresInt(t.process.pid())) {
                        t.process.destroyForcibly();
                        continue;
                    }
                }
                if (t.readyAt != 0 && System.nanoTime() - t.readyAt >= t.delayMs * 1_000_000L) {
                    new ProcessBuilder("kill", "-" + t.signal, String.valueOf(t.process.pid())).start().waitFor();
                    t.sent = true;
                }
            }
            Thread.sleep(5);
        }
    }

    /** Asserts how a trial ended and returns where it stopped; empties its prediction folder for the next one. */
    private static String check(Trial t) throws IOException {
        String err = Files.readString(t.log);
        String what = t.what();
        assertEquals(t.signal.equals("INT") ? 130 : 143, t.process.exitValue(), what + err);
        assertTrue(err.contains("cryosiam denoise_predict: interrupted (SIG" + t.signal + "): stopped after "),
                what + err);
        assertTrue(err.contains("; temporary files removed."), what + err);
        assertFalse(err.contains("internal error") || err.contains("Exception"), what + err);
        try (Stream<Path> s = Files.list(t.work)) {
            assertEquals(List.of("err.txt"), s.map(f -> f.getFileName().toString()).toList(),
                    what + "no hs_err_pid*.log");
        }
        try (Stream<Path> s = Files.list(t.out)) {
            List<String> hidden = s.map(f -> f.getFileName().toString()).filter(n -> n.startsWith(".")).toList();
            assertEquals(List.of(), hidden, what + "no temporary file and no lock left");
        }
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> runs = (List<Map<String, Object>>) Json.parse(
                Files.readString(t.out.resolve("cryosiam_run.json")));
        Map<String, Object> last = runs.get(runs.size() - 1);
        assertEquals("interrupted", last.get("status"), what + last);
        // the next trial starts from nothing again (outputs a late signal let through included)
        try (Stream<Path> s = Files.list(t.out)) {
            for (Path f : (Iterable<Path>) s::iterator) {
                if (!f.getFileName().toString().equals("cryosiam_run.json")) {
                    Files.delete(f);
                }
            }
        }
        String stopped = err.lines().filter(l -> l.contains("stopped after")).findFirst().orElseThrow();
        return stopped.substring(stopped.indexOf("stopped after"));
    }
}
