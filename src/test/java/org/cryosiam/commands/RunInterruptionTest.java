package org.cryosiam.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.cryosiam.CliRun;
import org.cryosiam.FixtureStep;
import org.cryosiam.Fixtures;
import org.cryosiam.RunInterrupted;
import org.cryosiam.io.AtomicFile;
import org.cryosiam.io.Json;
import org.cryosiam.log.Progress;
import org.cryosiam.run.Failures;
import org.cryosiam.run.RunContext;
import org.cryosiam.workflow.DenoisePrediction;
import org.cryosiam.workflow.StepRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 28 items 8, 9 and 11 inside one JVM, on the pipeline case's denoise_predict (two tomograms of 18 and 32
 * patches): a stop request between batches (what SIGINT and SIGTERM make, see {@code SignalStopTest} for the real
 * signals) leaves no temporary file and a run record that says "interrupted"; two runs into one folder share its
 * tomograms through their locks; a run names the temporary files killed runs left, and {@code info} lists them.
 */
class RunInterruptionTest {
    @TempDir
    Path dir;

    private static final String CONFIG = "configs/denoise.yaml";

    /** A context whose progress displays call {@code stops} each time they are told of a batch. */
    private static RunContext context(StringWriter err, Progress.Stops stops) {
        PrintWriter e = new PrintWriter(err, true);
        RunContext ctx = RunContext.of(new PrintWriter(new StringWriter()), e);
        return ctx.withProgress(new Progress.Factory(Progress.Mode.SILENT, e, System::nanoTime, stops, false));
    }

    private static void execute(FixtureStep step, RunContext ctx) throws Exception {
        Path cfg = step.work.resolve(CONFIG);
        StepRun.execute(DenoisePrediction.STEP, List.of("denoise_predict", "--config_file", cfg.toString()), cfg,
                StepRun.Selection.ALL, ctx);
    }

    private static List<String> names(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> runs(Path folder) throws IOException {
        return (List<Map<String, Object>>) Json.parse(Files.readString(folder.resolve("cryosiam_run.json")));
    }

    @Test
    void aStoppedRunLeavesNoTemporaryAndARecordThatSaysInterrupted() throws Exception {
        FixtureStep step = new FixtureStep(Fixtures.pipelineSmall(), dir);
        int[] batches = {0};
        StringWriter err = new StringWriter();
        // the second batch (patches 4 to 6 of TS_01) is where the signal is noticed; by then the raw-map HDF5 file,
        // the MRC file and the scaling's scratch file are all open under their temporary names
        RunContext ctx = context(err, where -> {
            if (++batches[0] == 2) {
                throw new RunInterrupted("SIGINT", 130, where.get());
            }
        });
        RunInterrupted e = assertThrows(RunInterrupted.class, () -> execute(step, ctx));
        assertEquals("interrupted (SIGINT): stopped after 6/18 patches of TS_01.mrc", e.getMessage());
        assertEquals(130, Failures.report(e, "cryosiam denoise_predict", new PrintWriter(err, true), false));
        assertTrue(err.toString().contains("cryosiam denoise_predict: interrupted (SIGINT): stopped after 6/18 "
                + "patches of TS_01.mrc; temporary files removed."), err.toString());
        Path out = step.actual("denoised");
        assertEquals(List.of("cryosiam_run.json"), names(out), "no temporary file, no lock, no output");
        Map<String, Object> run = runs(out).get(0);
        assertEquals("interrupted", run.get("status"));
        assertEquals("interrupted (SIGINT): stopped after 6/18 patches of TS_01.mrc", run.get("error"));
    }

    /**
     * Issue 28 item 9: run A stops inside TS_01 (holding its lock) while run B goes over the same folder: B skips
     * TS_01 with a warning, removes the stale lock a killed run left on TS_02 (saying so) and computes it, and
     * succeeds; A then finishes TS_01 and finds TS_02 finished by B. Without locks both runs computed both
     * tomograms.
     */
    @Test
    void twoRunsIntoOneFolderShareItsTomograms() throws Exception {
        FixtureStep step = new FixtureStep(Fixtures.pipelineSmall(), dir);
        Path out = step.actual("denoised");
        Files.createDirectories(out);
        Process killed = new ProcessBuilder("true").start();
        killed.waitFor();

        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch resume = new CountDownLatch(1);
        StringWriter errA = new StringWriter();
        RunContext a = context(errA, where -> {
            if (inside.getCount() > 0) {
                inside.countDown();
                try {
                    resume.await(120, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        CompletableFuture<Void> runA = CompletableFuture.runAsync(() -> {
            try {
                execute(step, a);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            assertTrue(inside.await(120, TimeUnit.SECONDS), "run A reached its first batch: " + errA);
            assertTrue(Files.exists(out.resolve(".TS_01.denoise_predict.lock")), "A holds TS_01");
            // what a killed run left (after A started: A would have removed it)
            Files.writeString(out.resolve(".TS_02.denoise_predict.lock"), "pid=" + killed.pid() + "\nhost="
                    + AtomicFile.host() + "\nstarted=2020-01-01T00:00:00Z\n");

            CliRun b = CliRun.run("denoise_predict", "--config_file", step.work.resolve(CONFIG).toString());
            assertEquals(0, b.code(), b.err());
            long pid = ProcessHandle.current().pid();
            assertTrue(b.err().contains("warning: TS_01.mrc is being computed by another run (PID " + pid
                    + "), skipped"), b.err());
            assertTrue(b.err().contains("removed 1 stale lock in " + out.toAbsolutePath().normalize()
                    + ": .TS_02.denoise_predict.lock (PID " + killed.pid() + " is no longer running)"), b.err());
            assertTrue(b.err().contains("warning: 1 tomogram of 2 skipped: another run is computing it (TS_01.mrc "
                    + "(PID " + pid + "))"), b.err());
            assertTrue(Files.exists(out.resolve("TS_02.mrc")) && Files.notExists(out.resolve("TS_01.mrc")));
            Map<String, Object> recordB = runs(out).get(0);
            assertEquals("ok", recordB.get("status"));
            assertEquals(List.of("TS_01.mrc (PID " + pid + ")"), recordB.get("skipped_locked"));
        } finally {
            resume.countDown();
        }
        runA.get(120, TimeUnit.SECONDS);
        assertTrue(errA.toString().contains("TS_02: finished by another run meanwhile, skipped"), errA.toString());
        assertTrue(Files.exists(out.resolve("TS_01.mrc")));
        assertEquals(List.of("TS_01.mrc", "TS_01_preds.h5", "TS_02.mrc", "TS_02_preds.h5", "cryosiam_run.json"),
                names(out), "no lock and no temporary file left");
        assertEquals("ok", runs(out).get(1).get("status"));
    }

    /**
     * Issue 28 item 11: temporary files a killed run left (here 3 MB beside TS_01's output) are listed by
     * {@code info FOLDER} with their sizes, and the next run removes them and names them in its log.
     */
    @Test
    void theNextRunNamesTheTemporariesKilledRunsLeftAndInfoListsThem() throws Exception {
        FixtureStep step = new FixtureStep(Fixtures.pipelineSmall(), dir);
        Path out = Files.createDirectories(step.actual("denoised"));
        Process killed = new ProcessBuilder("true").start();
        killed.waitFor();
        String name = ".TS_01_preds.h5.tmp-" + killed.pid() + "@" + AtomicFile.host();
        Files.write(out.resolve(name), new byte[3_000_000]);
        Files.writeString(out.resolve(".TS_01.denoise_predict.lock"), "pid=" + killed.pid() + "\nhost="
                + AtomicFile.host() + "\nstarted=2020-01-01T00:00:00Z\n");

        CliRun info = CliRun.run("info", out.toString());
        assertEquals(0, info.code(), info.err());
        assertTrue(info.out().contains("  temporary " + name + " (3.0 MB): left by an interrupted run; the next run "
                + "in this folder removes it"), info.out());
        assertTrue(info.out().contains("  lock .TS_01.denoise_predict.lock: stale (PID " + killed.pid()
                + " is no longer running); the next run takes it over"), info.out());

        CliRun run = CliRun.run("denoise_predict", "--config_file", step.work.resolve(CONFIG).toString(),
                "--filename", "1");
        assertEquals(0, run.code(), run.err());
        assertTrue(run.err().contains("removed 1 temporary file (3.0 MB) that interrupted runs left in "
                + out.toAbsolutePath().normalize() + ": " + name + " (3.0 MB)"), run.err());
        assertFalse(Files.exists(out.resolve(name)));

        CliRun after = CliRun.run("info", out.toString());
        assertTrue(after.out().contains(out + ": folder, last run: denoise_predict ok at "), after.out());
        assertTrue(after.out().contains("  no temporary files and no locks"), after.out());
    }
}
