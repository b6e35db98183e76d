package org.cryosiam.commands;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.cryosiam.FixtureStep;
import org.cryosiam.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** semantic_postprocessing and semantic_to_centers against the pipeline_small case. */
class SemanticPostprocessingTest {
    @TempDir
    Path dir;

    @Test
    void removesSmallComponentsInPlace() throws IOException {
        String name = "semantic_postprocessing configs/semantic_post.yaml";
        FixtureStep step = new FixtureStep(Fixtures.pipelineSmall(), dir).before(name);
        assertEquals(0, step.run("semantic_postprocessing", "configs/semantic_post.yaml"));
        for (String f : step.writes(name)) {
            step.assertLabelsH5(f);
        }
        try (var s = Files.list(step.actual("semantic_post"))) {
            assertEquals(2, s.map(p -> p.getFileName().toString())
                    .filter(f -> !f.equals("cryosiam_run.json")).count(),
                    "no temporary files are left behind (besides the run record; no lock file)");
        }
    }

    @Test
    void centersMatchTheReference() throws IOException {
        String name = "semantic_to_centers configs/particles.yaml";
        FixtureStep step = new FixtureStep(Fixtures.pipelineSmall(), dir).before(name);
        assertEquals(0, step.run("semantic_to_centers", "configs/particles.yaml"));
        List<String> writes = step.writes(name);
        assertEquals(6, writes.size());
        for (String f : writes) {
            step.assertTableClose(f);
        }
        // same bytes up to row order (the reference listed the folder unsorted)
        for (String f : writes) {
            List<String> want = new java.util.ArrayList<>(Files.readAllLines(step.expected(f)));
            List<String> got = new java.util.ArrayList<>(Files.readAllLines(step.actual(f)));
            java.util.Collections.sort(want);
            java.util.Collections.sort(got);
            assertEquals(want, got, f);
        }
    }

    /**
     * Issue 28 item 13: semantic_to_centers needs no model (the reference never reads it); a trained_model that is
     * not there only skips the class-count cross-check, with a warning, and the centres are the reference's.
     */
    @Test
    void centersNeedNoModel() throws IOException {
        String name = "semantic_to_centers configs/particles.yaml";
        FixtureStep step = new FixtureStep(Fixtures.pipelineSmall(), dir).before(name);
        Path cfg = step.work.resolve("configs/particles.yaml");
        String text = Files.readString(cfg);
        assertTrue(text.contains("trained_model: "), text);
        Files.writeString(cfg, text.replaceAll("trained_model: .*", "trained_model: " + dir.resolve("gone.ckpt")));
        ProcessingSupport.Result r = ProcessingSupport.run("semantic_to_centers", "--config_file", cfg.toString());
        r.assertOk();
        assertTrue(r.err().contains("the class count is not checked against trained_model"), r.err());
        for (String f : step.writes(name)) {
            step.assertTableClose(f);
        }
    }

    @Test
    void mrcPredictionsAreRewrittenAsUint8() throws IOException {
        Path data = Files.createDirectories(dir.resolve("data"));
        Path preds = Files.createDirectories(dir.resolve("preds"));
        Files.writeString(data.resolve("A.mrc"), "");
        byte[] labels = {1, 0, 1, 1, 0, 2, 0, 0};
        org.cryosiam.io.MrcWriter.write(preds.resolve("A_preds.mrc"), org.cryosiam.io.NdData.uint8(labels, 1, 1, 8),
                new float[] {2, 2, 2});
        Path cfg = dir.resolve("post.yaml");
        Files.writeString(cfg, "data_folder: " + data + "\nprediction_folder: " + preds + "\nfile_extension: .mrc\n"
                + "test_files: null\nparameters:\n  network:\n    postprocessing_sizes: [-1, 1, -1]\n");
        assertEquals(0, org.cryosiam.Main.run("--quiet", "semantic_postprocessing", "--config_file", cfg.toString()));
        org.cryosiam.volume.Volume v = org.cryosiam.io.MrcReader.read(preds.resolve("A_preds.mrc"));
        org.junit.jupiter.api.Assertions.assertArrayEquals(new float[] {0, 0, 1, 1, 0, 2, 0, 0}, v.data());
        assertEquals(2f, v.voxelSize()[0]);
        // neither file: one sentence, exit code 2
        Files.delete(preds.resolve("A_preds.mrc"));
        assertEquals(2, org.cryosiam.Main.run("--quiet", "semantic_postprocessing", "--config_file", cfg.toString()));
    }
}
