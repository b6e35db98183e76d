package org.cryosiam.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.cryosiam.CliRun;
import org.cryosiam.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --quiet and --debug apply to the run they are given to, before or after the command name, and to nothing else: each
 * run has its own context (runs share no global options, so these tests may run in parallel with any other).
 */
class GlobalOptionsTest {
    @TempDir
    Path dir;

    private CliRun invertScale(String... global) {
        Path in = Fixtures.pipelineSmall().resolve("tomograms").resolve("TS_01.mrc");
        String[] args = {"processing_invert_scale", "--input_path", in.toString(), "--output_path",
                dir.resolve("out").toString()};
        String[] all = new String[args.length + global.length];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(global, 0, all, args.length, global.length);
        return CliRun.run(all);
    }

    @Test
    void quietSilencesTheLogBeforeOrAfterTheCommandAndOnlyItsOwnRun() {
        CliRun loud = invertScale();
        assertEquals(0, loud.code(), loud.err());
        assertTrue(loud.err().contains("wrote ") && loud.err().contains("done in "), loud.err());
        CliRun after = invertScale("--quiet");
        assertEquals(0, after.code(), after.err());
        assertEquals("", after.err());
        String[] before = {"--quiet", "processing_invert_scale", "--input_path",
                Fixtures.pipelineSmall().resolve("tomograms").resolve("TS_01.mrc").toString(), "--output_path",
                dir.resolve("out2").toString()};
        CliRun quietFirst = CliRun.run(before);
        assertEquals(0, quietFirst.code(), quietFirst.err());
        assertEquals("", quietFirst.err());
        CliRun again = invertScale(); // nothing carried over from the quiet runs
        assertTrue(again.err().contains("done in "), again.err());
    }

    @Test
    void debugShowsTheStackTraceOfAnErrorOnlyWhenGiven() {
        CliRun plain = CliRun.run("info", dir.resolve("missing.mrc").toString());
        assertEquals(2, plain.code());
        assertFalse(plain.err().contains("\tat org.cryosiam."), plain.err());
        CliRun debug = CliRun.run("info", dir.resolve("missing.mrc").toString(), "--debug");
        assertEquals(2, debug.code());
        assertTrue(debug.err().contains("\tat org.cryosiam."), debug.err());
        CliRun first = CliRun.run("--debug", "info", dir.resolve("missing.mrc").toString());
        assertTrue(first.err().contains("\tat org.cryosiam."), first.err());
    }
}
