package org.cryosiam.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.cryosiam.Main;
import org.junit.jupiter.api.Test;

class ProgressTest {
    private long now;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    private Progress progress(Progress.Mode mode) {
        return new Progress("patches of TS_01", 10, mode, new PrintStream(bytes, true, StandardCharsets.UTF_8),
                () -> now);
    }

    private String printed() {
        return bytes.toString(StandardCharsets.UTF_8);
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
        bytes.reset();
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
        boolean was = Main.GlobalOptions.quiet;
        try {
            Main.GlobalOptions.quiet = true;
            assertEquals(Progress.Mode.SILENT, Progress.start("x", 1).mode());
            Main.GlobalOptions.quiet = false;
            // tests run without a console
            assertEquals(Progress.Mode.SUMMARY, Progress.start("x", 1).mode());
        } finally {
            Main.GlobalOptions.quiet = was;
        }
    }
}
