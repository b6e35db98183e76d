package org.cryosiam.commands;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;

import org.cryosiam.FixtureStep;
import org.cryosiam.Fixtures;
import org.cryosiam.io.MrcReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16 item 4: a rerun over a folder skips the tomograms whose outputs are complete and were made with the same
 * config and model; {@code --overwrite} recomputes; a failure on one tomogram leaves the others done.
 */
class RerunSkipTest {
    @TempDir
    Path dir;

    private static ProcessingSupport.Result run(FixtureStep step, String... extra) {
        return ProcessingSupport.run(step, "denoise_predict", "denoise.yaml", extra);
    }

    private static String skipped(String stem) {
        return stem + ": outputs up to date (same config and model), skipped; --overwrite recomputes";
    }

    @Test
    void aRerunSkipsFinishedTomogramsAndOverwriteRecomputes() throws IOException {
        FixtureStep step = new FixtureStep(Fixtures.pipelineSmall(), dir);
        run(step).assertOk();
        Path mrc1 = step.actual("denoised/TS_01.mrc");
        Path mrc2 = step.actual("denoised/TS_02.mrc");
        float[] first = MrcReader.read(mrc1).data();
        FileTime written = Files.getLastModifiedTime(mrc1);

        ProcessingSupport.Result again = run(step);
        again.assertOk();
        assertTrue(again.err().contains(skipped("TS_01")), again.err());
        assertTrue(again.err().contains(skipped("TS_02")), again.err());
        assertFalse(again.err().contains("wrote "), again.err());
        assertFalse(again.err().contains("model denoise.ckpt"), "no network is built: " + again.err());
        assertEquals(written, Files.getLastModifiedTime(mrc1));

        // a missing output is recomputed, the finished tomogram is not
        Files.delete(mrc2);
        ProcessingSupport.Result missing = run(step);
        missing.assertOk();
        assertTrue(missing.err().contains(skipped("TS_01")), missing.err());
        assertTrue(missing.err().contains("recomputing TS_02: " + mrc2 + " is missing"), missing.err());
        assertTrue(Files.exists(mrc2));

        ProcessingSupport.Result overwrite = run(step, "--overwrite");
        overwrite.assertOk();
        assertFalse(overwrite.err().contains("up to date"), overwrite.err());
        assertTrue(overwrite.err().contains("wrote " + mrc1), overwrite.err());
        assertArrayEquals(first, MrcReader.read(mrc1).data(), "--overwrite matches the first run");

        // an MRC output carries no attributes: the run record says which config made it
        Path cfg = step.work.resolve("configs/denoise.yaml");
        Files.writeString(cfg, Files.readString(cfg).replace("save_raw_predictions: true",
                "save_raw_predictions: false"));
        ProcessingSupport.Result changed = run(step);
        changed.assertOk();
        assertTrue(changed.err().contains("recomputing TS_01: " + mrc1 + " was made by another config"),
                changed.err());
    }

    @Test
    void aDamagedTomogramFailsAloneAndTheRunEndsWithASummary() throws IOException {
        FixtureStep step = new FixtureStep(Fixtures.pipelineSmall(), dir);
        Path ts01 = step.work.resolve("tomograms/TS_01.mrc");
        byte[] whole = Files.readAllBytes(ts01);
        Files.write(ts01, java.util.Arrays.copyOf(whole, 1500)); // header and a few voxels: truncated

        ProcessingSupport.Result r = run(step);
        assertEquals(2, r.code(), r.err());
        String[] lines = r.err().strip().split("\n");
        assertTrue(r.err().contains("error: TS_01.mrc: " + ts01), r.err());
        assertEquals("cryosiam denoise_predict: 1 of 2 tomograms failed (TS_01.mrc; the reasons are above), the "
                + "others were done.", lines[lines.length - 1]);
        assertTrue(Files.exists(step.actual("denoised/TS_02.mrc")), "the other tomogram was done");
        assertFalse(Files.exists(step.actual("denoised/TS_01.mrc")));

        // repaired: the next run does only the one that failed (the failed run's record vouches for TS_02)
        Files.copy(Fixtures.pipelineSmall().resolve("tomograms/TS_01.mrc"), ts01, StandardCopyOption.REPLACE_EXISTING);
        ProcessingSupport.Result rerun = run(step);
        rerun.assertOk();
        assertTrue(rerun.err().contains(skipped("TS_02")), rerun.err());
        assertTrue(rerun.err().contains("wrote " + step.actual("denoised/TS_01.mrc")), rerun.err());
    }

    @Test
    void instancePredictSkipsOnItsOwnOutputsAndStillReusesRawMapsForNewThresholds() throws IOException {
        FixtureStep step = new FixtureStep(Fixtures.pipelineSmall(), dir).before("instance_predict configs/instance.yaml");
        String cfg = step.work.resolve("configs/instance.yaml").toString();
        ProcessingSupport.run("instance_predict", "--config_file", cfg).assertOk();
        ProcessingSupport.Result again = ProcessingSupport.run("instance_predict", "--config_file", cfg);
        again.assertOk();
        assertTrue(again.err().contains(skipped("TS_01")) && again.err().contains(skipped("TS_02")), again.err());

        // new thresholds: the raw maps (made with the old config) are reused, the instances recomputed ...
        Path file = Path.of(cfg);
        Files.writeString(file, Files.readString(file).replace("max_center_distance: 2", "max_center_distance: 3"));
        ProcessingSupport.Result changed = ProcessingSupport.run("instance_predict", "--config_file", cfg);
        changed.assertOk();
        assertTrue(changed.err().contains("reusing the raw predictions"), changed.err());
        assertFalse(changed.err().contains("model instance.ckpt"), "no network: " + changed.err());
        // ... and the next run with that config skips, though the raw maps still carry the old config
        ProcessingSupport.Result same = ProcessingSupport.run("instance_predict", "--config_file", cfg);
        assertTrue(same.err().contains(skipped("TS_01")), same.err());

        ProcessingSupport.Result overwrite = ProcessingSupport.run("instance_predict", "--config_file", cfg,
                "--overwrite");
        overwrite.assertOk();
        assertFalse(overwrite.err().contains("reusing the raw predictions"), "--overwrite predicts again: "
                + overwrite.err());
    }
}
