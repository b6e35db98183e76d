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
