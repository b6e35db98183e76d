package org.cryosiam.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

import org.cryosiam.RunInterrupted;
import org.cryosiam.run.RunContext;
import org.junit.jupiter.api.Test;

class ProgressTest {
    private long now;
    private StringWriter text = new StringWriter();

    private Progress progress(Progress.Mode mode) {
        return Progress.items("patches of TS_01", 10, mode, new PrintWriter(text), () -> now);
    }

    private Progress bytes(Progress.Mode mode, long total, long start) {
        return Progress.bytes("cryosiam_denoising", total, start, mode, new PrintWriter(text), () -> now);
    }

    private String printed() {
        return text.toString();
    }

    @Test
    void liveShowsDoneTotalRateAndTimeLeft() {
        Progress p = progress(Progress.Mode.LIVE);
        now = 2_000_000_000L; // 2 s for 4 patches: 2/s, 6 left -> 3 s
        p.advance(4);
        assertTrue(printed().contains("\rpatches of TS_01: 4/10 (40%), 2.00/s, 3s left"), printed());
        now = 5_000_000_000L;
        p.advance(6);
        p.finish();
        p.finish(); // once only
        String out = printed();
        assertTrue(out.endsWith("\rpatches of TS_01: 10 in 5s (2.00/s)\u001b[K" + System.lineSeparator()), out);
        assertEquals(1, out.split(System.lineSeparator(), -1).length - 1);
    }

    @Test
    void withoutConsoleOnlyOneLineAtTheEnd() {
        Progress p = progress(Progress.Mode.SUMMARY);
        now = 1_000_000_000L;
        p.advance(10);
        assertEquals("", printed());
        now = 125_000_000_000L;
        p.finish();
        assertEquals("patches of TS_01: 10 in 2m 5s (0.08/s)" + System.lineSeparator(), printed());
    }

    @Test
    void withoutConsoleALineEachTenPercentAtMostEvery30Seconds() {
        Progress p = progress(Progress.Mode.SUMMARY);
        for (int i = 1; i <= 10; i++) { // one patch every 10 s
            now = i * 10_000_000_000L;
            p.advance(1);
        }
        p.finish();
        String[] lines = printed().split(System.lineSeparator());
        // 10 %, 20 % come before 30 s; then one line per 30 s; none at 100 %, which the summary reports
        assertEquals(4, lines.length, printed());
        assertTrue(lines[0].startsWith("patches of TS_01: 3/10 (30%)"), lines[0]);
        assertTrue(lines[1].startsWith("patches of TS_01: 6/10 (60%)"), lines[1]);
        assertTrue(lines[2].startsWith("patches of TS_01: 9/10 (90%)"), lines[2]);
        assertEquals("patches of TS_01: 10 in 1m 40s (0.10/s)", lines[3]);
        // a quick run (under 30 s) prints only its summary
        text = new StringWriter();
        now = 0;
        Progress quick = progress(Progress.Mode.SUMMARY);
        for (int i = 1; i <= 10; i++) {
            now = i * 1_000_000_000L;
            quick.advance(1);
        }
        quick.finish();
        assertEquals(1, printed().split(System.lineSeparator()).length, printed());
    }

    @Test
    void silentPrintsNothing() {
        Progress p = progress(Progress.Mode.SILENT);
        p.advance(10);
        p.finish();
        assertEquals("", printed());
    }

    @Test
    void quietFlagSilencesProgress() {
        StringWriter err = new StringWriter();
        RunContext quiet = RunContext.of(new PrintWriter(new StringWriter()), new PrintWriter(err), true, false, null,
                null, null);
        assertEquals(Progress.Mode.SILENT, quiet.progress().mode());
        quiet.progress().items("x", 1).advance(1);
        quiet.progress().bytes("x", 10, 0).update(10);
        assertEquals("", err.toString());
        // tests run without a console
        RunContext plain = RunContext.of(new PrintWriter(new StringWriter()), new PrintWriter(err));
        assertEquals(Progress.Mode.SUMMARY, plain.progress().items("x", 1).mode());
    }

    @Test
    void bytesWithoutConsoleALineEachQuarterAndOneAtTheEnd() {
        Progress p = bytes(Progress.Mode.SUMMARY, 8_000_000, 0);
        now = 1_000_000_000L;
        p.update(1_000_000); // 12 %: nothing yet
        assertEquals("", printed());
        now = 2_000_000_000L;
        p.update(2_500_000); // 31 %
        now = 4_000_000_000L;
        p.update(8_000_000); // done: the end line reports it
        p.finish();
        p.finish(); // once only
        String[] lines = printed().split(System.lineSeparator());
        assertEquals(2, lines.length, printed());
        assertEquals("cryosiam_denoising: 2.5/8.0 MB (31%), 1.3 MB/s", lines[0]);
        assertEquals("cryosiam_denoising: 8.0/8.0 MB (100%), 2.0 MB/s", lines[1]);
    }

    @Test
    void bytesOfAResumedDownloadCountFromWhereItResumedAndLiveRedrawsInPlace() {
        Progress p = bytes(Progress.Mode.LIVE, 10_000_000, 4_000_000);
        now = 2_000_000_000L;
        p.update(6_000_000); // 2 MB in 2 s since the resume
        assertEquals("\rcryosiam_denoising: 6.0/10.0 MB (60%), 1.0 MB/s\u001b[K", printed());
        now = 2_100_000_000L;
        p.update(7_000_000); // within 200 ms of the last redraw: not drawn
        now = 3_000_000_000L;
        p.update(10_000_000);
        p.finish();
        assertTrue(printed().endsWith("\rcryosiam_denoising: 10.0/10.0 MB (100%), 2.0 MB/s\u001b[K"
                + System.lineSeparator()), printed());
        assertEquals(4, printed().split("\r").length, printed());
    }

    @Test
    void bytesOfUnknownSizeOnAConsoleSayNothingUntilDrawn() {
        Progress p = bytes(Progress.Mode.LIVE, -1, 0);
        p.finish(); // nothing drawn: no end line either
        assertEquals("", printed());
        Progress q = bytes(Progress.Mode.SUMMARY, -1, 0);
        now = 1_000_000_000L;
        q.update(3_000_000);
        q.finish();
        assertEquals("cryosiam_denoising: 3.0 MB, 3.0 MB/s" + System.lineSeparator(), printed());
    }

    /**
     * Issue 28 item 10: a 256x512x512 run printed nothing for 6 min 44 s, as lines came only per 10 % and at least
     * 30 s apart. Now, without a console, the display is never silent for a minute: a line whenever 55 s have
     * passed, with the patches done, the rate and the time left, even when a tenth takes far longer.
     */
    @Test
    void withoutConsoleALineAtLeastEveryMinuteWhateverThePace() {
        Progress p = Progress.items("patches of L.mrc", 40_000, Progress.Mode.SUMMARY, new PrintWriter(text),
                () -> now);
        List<Long> printedAt = new ArrayList<>();
        int length = 0;
        // 27 patches a second (3 every 100 ms, the timer's tick every second instead) for 10 minutes: a tenth takes
        // 2m 28s
        for (long ms = 100; ms <= 600_000; ms += 100) {
            now = ms * 1_000_000L;
            if (ms % 1000 == 0) {
                p.tick();
            } else {
                p.advance(3);
            }
            if (printed().length() != length) {
                length = printed().length();
                printedAt.add(ms);
            }
        }
        long last = 0;
        for (long at : printedAt) {
            assertTrue(at - last <= 60_000, "silent from " + last + " ms to " + at + " ms:\n" + printed());
            last = at;
        }
        assertTrue(600_000 - last <= 60_000, printed());
        String first = printed().lines().findFirst().orElseThrow();
        assertEquals("patches of L.mrc: 1485/40000 (3%), 27.00/s, 23m 46s left", first);
    }

    /**
     * One slow unit of work (a huge batch, a first patch that takes minutes): the timer's tick prints a line after
     * 55 s of silence that says how long it has been working, then again 55 s later; none once finished.
     */
    @Test
    void oneSlowUnitStillPrintsALineEveryMinute() {
        Progress p = Progress.items("patches of TS_01", 1, Progress.Mode.SUMMARY, new PrintWriter(text), () -> now);
        now = 54_000_000_000L;
        assertTrue(p.tick());
        assertEquals("", printed(), "not silent for 55 s yet");
        now = 55_000_000_000L;
        p.tick();
        assertEquals("patches of TS_01: 0/1 (0%), started 55s ago, time left unknown" + System.lineSeparator(),
                printed());
        now = 100_000_000_000L;
        p.tick();
        assertEquals(1, printed().lines().count(), "one line per 55 s of silence");
        now = 110_000_000_000L;
        p.tick();
        assertEquals(2, printed().lines().count(), printed());
        assertTrue(printed().lines().toList().get(1).contains("started 1m 50s ago"), printed());
        p.finish();
        assertFalse(p.tick(), "the timer ends with the display");
        // LIVE redraws on work done only; SILENT never prints
        text = new StringWriter();
        now = 0;
        Progress live = progress(Progress.Mode.LIVE);
        now = 120_000_000_000L;
        live.tick();
        assertEquals("", printed());
    }

    /** A Factory's displays have a real timer: a display silent for 55 s prints without being told of any work. */
    @Test
    void theFactorysTimerPrintsWhileWorkIsSilentAndStopsWhenClosed() throws InterruptedException {
        Progress.Factory f = new Progress.Factory(Progress.Mode.SUMMARY, new PrintWriter(text), () -> now,
                Progress.Stops.NEVER, true);
        try (Progress p = f.items("particles of TS_01", 200_000)) {
            now = 56_000_000_000L; // the fake clock jumps; the timer thread ticks within a second
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (printed().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(printed().startsWith("particles of TS_01: 0/200000 (0%), started 56s ago"), printed());
            p.close();
            assertFalse(p.tick(), "closed: the timer ends");
            String before = printed();
            now = 300_000_000_000L;
            Thread.sleep(1500);
            assertEquals(before, printed(), "no line after close");
        }
    }

    /**
     * Issue 28 item 8: each time a display is told of work done is a safe point where a stop request (SIGINT,
     * SIGTERM) ends the run, and the exception says how far the work came.
     */
    @Test
    void workDoneIsWhereAStopRequestEndsTheRun() {
        boolean[] stop = {false};
        Progress.Factory f = new Progress.Factory(Progress.Mode.SUMMARY, new PrintWriter(text), () -> now,
                where -> {
                    if (stop[0]) {
                        throw new RunInterrupted("SIGTERM", 143, where.get());
                    }
                }, false);
        Progress p = f.items("patches of TS_01.mrc", 40);
        p.advance(6);
        p.advance(6);
        stop[0] = true;
        RunInterrupted e = assertThrows(RunInterrupted.class, () -> p.advance(3));
        assertEquals("interrupted (SIGTERM): stopped after 15/40 patches of TS_01.mrc", e.getMessage());
        assertEquals(143, e.exitCode());
        Progress bytes = f.bytes("cryosiam_denoising", 8_000_000, 0);
        assertEquals("interrupted (SIGTERM): stopped after 2.5/8.0 MB of cryosiam_denoising",
                assertThrows(RunInterrupted.class, () -> bytes.update(2_500_000)).getMessage());
        // the plain factory methods never stop (tests, library callers)
        Progress.items("x", 2, Progress.Mode.SILENT, new PrintWriter(text), () -> now).advance(1);
    }
}
