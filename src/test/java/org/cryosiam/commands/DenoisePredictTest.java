package org.cryosiam.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.cryosiam.CliRun;
import org.cryosiam.Fixtures;
import org.cryosiam.FixtureStep;
import org.cryosiam.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** denoise_predict against the reference's outputs for the pipeline_small case. */
class DenoisePredictTest {
    private static final String STEP = "denoise_predict configs/denoise.yaml";

    @TempDir
    Path dir;

    @Test
    void matchesTheReferenceOnThePipelineCase() throws IOException {
        FixtureStep step = new FixtureStep(Fixtures.pipelineSmall(), dir).before(STEP);
        assertEquals(0, step.run("denoise_predict", "configs/denoise.yaml"));
        List<String> writes = step.writes(STEP);
        assertEquals(4, writes.size());
        for (String f : writes) {
            assertTrue(Files.exists(step.actual(f)), f + " was not written");
            if (f.endsWith(".h5")) {
                step.assertHdf5Close(f);
            } else {
                step.assertMrcClose(f);
            }
        }
        try (var s = Files.list(step.actual("denoised"))) {
            assertEquals(4, s.map(p -> p.getFileName().toString())
                    .filter(n -> !n.equals("cryosiam_run.json")).count(),
                    "no temporary or extra files are left behind (besides the run record; no lock file)");
        }
    }

    @Test
    void filenameRestrictsTheRunToOneTomogram() throws IOException {
        FixtureStep step = new FixtureStep(Fixtures.pipelineSmall(), dir);
        assertEquals(0, step.run("denoise_predict", "configs/denoise.yaml", "--filename", "2"));
        assertTrue(Files.exists(step.actual("denoised/TS_02.mrc")));
        assertTrue(Files.notExists(step.actual("denoised/TS_01.mrc")));
    }

    /**
     * {@code --max_memory}: said in the log with the batch it chose; a budget below one patch's working set is
     * refused in one sentence with exit code 2 before any output; a size that is not one is a usage error.
     */
    @Test
    void maxMemoryChoosesTheBatchOrRefuses() throws IOException {
        FixtureStep step = new FixtureStep(Fixtures.pipelineSmall(), dir);
        String cfg = step.work.resolve("configs/denoise.yaml").toString();
        CliRun ok = CliRun.run("--max_memory", "8G", "denoise_predict", "--config_file", cfg, "--filename", "1");
        assertEquals(0, ok.code(), ok.err());
        assertTrue(ok.err().contains("memory: about") && ok.err().contains("of 8.0 GB allowed") && ok.err().contains(
                "batch 3"), ok.err());

        CliRun tight = CliRun.run("denoise_predict", "--config_file", cfg, "--max_memory", "100M", "--filename", "2");
        assertEquals(2, tight.code(), tight.err());
        assertTrue(tight.err().contains("even one patch at a time") && tight.err().contains("100 MB allowed"),
                tight.err());
        assertTrue(Files.notExists(step.actual("denoised/TS_02.mrc")), "nothing written");

        CliRun bad = CliRun.run("denoise_predict", "--config_file", cfg, "--max_memory", "lots");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("not a memory size"), bad.err());
    }

    @Test
    void badInputIsOneSentenceAndExitCode2() throws IOException {
        FixtureStep step = new FixtureStep(Fixtures.pipelineSmall(), dir);
        // a truncated tomogram
        Path tomo = step.work.resolve("tomograms/TS_01.mrc");
        byte[] all = Files.readAllBytes(tomo);
        Files.write(tomo, java.util.Arrays.copyOf(all, all.length - 1000));
        assertEquals(2, step.run("denoise_predict", "configs/denoise.yaml"));
        assertTrue(Files.notExists(step.actual("denoised/TS_01.mrc")), "nothing half-written");
        // a text file named .mrc
        Files.writeString(tomo, "not a tomogram\n");
        assertEquals(2, step.run("denoise_predict", "configs/denoise.yaml"));
        // the wrong kind of model
        Path cfg = step.work.resolve("configs/denoise.yaml");
        Files.writeString(cfg, Files.readString(cfg).replace("denoise.ckpt", "lamella.ckpt"));
        assertEquals(2, step.run("denoise_predict", "configs/denoise.yaml"));
        // a YAML with a tab error
        Files.writeString(cfg, "data_folder: x\n\tprediction_folder: y\n");
        assertEquals(2, step.run("denoise_predict", "configs/denoise.yaml"));
        // a missing key
        Files.writeString(cfg, "data_folder: x\n");
        assertEquals(2, step.run("denoise_predict", "configs/denoise.yaml"));
        // a missing config
        assertEquals(2, Main.run("denoise_predict", "--config_file", dir.resolve("absent.yaml").toString()));
    }
}
