package org.cryosiam.commands;

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

/** semantic_predict against the reference's outputs for the pipeline_small case (lamella, semantic, particles). */
class SemanticPredictTest {
    @TempDir
    Path dir;

    private FixtureStep runStep(String config) throws IOException {
        String stepName = "semantic_predict configs/" + config;
        FixtureStep step = new FixtureStep(Fixtures.pipelineSmall(), dir).before(stepName);
        assertEquals(0, step.run("semantic_predict", "configs/" + config));
        List<String> writes = step.writes(stepName);
        assertEquals(2, writes.size());
        for (String f : writes) {
            assertTrue(Files.exists(step.actual(f)), f + " was not written");
            step.assertLabelsH5(f);
        }
        return step;
    }

    @Test
    void lamellaWithPostprocessingAndInternalFiles() throws IOException {
        runStep("lamella.yaml");
    }

    @Test
    void semanticClassesMaskedByTheLamella() throws IOException {
        FixtureStep step = runStep("semantic.yaml");
        try (var s = Files.list(step.actual("semantic"))) {
            assertEquals(2, s.map(p -> p.getFileName().toString())
                    .filter(f -> !f.equals("cryosiam_run.json")).count(),
                    "no temporary or extra files are left behind (besides the run record; no lock file)");
        }
    }

    @Test
    void particleCandidates() throws IOException {
        runStep("particles.yaml");
    }

    @Test
    void saveOriginalFileExtensionWritesAnMrcOfLabels() throws IOException {
        FixtureStep step = new FixtureStep(Fixtures.pipelineSmall(), dir).before("semantic_predict configs/semantic.yaml");
        Path cfg = step.work.resolve("configs/semantic.yaml");
        Files.writeString(cfg, Files.readString(cfg) + "save_original_file_extension: true\n");
        assertEquals(0, step.run("semantic_predict", "configs/semantic.yaml", "--filename", "TS_01.mrc"));
        org.cryosiam.volume.Volume v = org.cryosiam.io.MrcReader.read(step.actual("semantic/TS_01.mrc"));
        long[] want = org.cryosiam.io.Hdf5.read(step.expected("semantic/TS_01_preds.h5"), "labels").toLongArray();
        long[] got = new long[want.length];
        for (int i = 0; i < got.length; i++) {
            got[i] = (long) v.data()[i];
        }
        assertTrue(FixtureStep.equalFraction(want, got) >= 0.999);
        assertTrue(Files.notExists(step.actual("semantic/TS_01_preds.h5")));
    }

    @Test
    void aMissingLamellaMaskIsAUserErrorBeforePredicting() throws IOException {
        FixtureStep step = new FixtureStep(Fixtures.pipelineSmall(), dir).before("semantic_predict configs/semantic.yaml");
        Files.delete(step.actual("lamella/TS_02_preds.h5"));
        assertEquals(2, step.run("semantic_predict", "configs/semantic.yaml"));
        assertTrue(Files.notExists(step.actual("semantic/TS_01_preds.h5")), "nothing predicted");
    }

    @Test
    void theWrongKindOfModelIsAUserError() throws IOException {
        FixtureStep step = new FixtureStep(Fixtures.pipelineSmall(), dir).before("semantic_predict configs/lamella.yaml");
        Path cfg = step.work.resolve("configs/lamella.yaml");
        Files.writeString(cfg, Files.readString(cfg).replace("lamella.ckpt", "denoise.ckpt"));
        assertEquals(2, step.run("semantic_predict", "configs/lamella.yaml"));
    }

    @Test
    void threeDimensionalLamellaVariantRuns() throws IOException {
        FixtureStep step = new FixtureStep(Fixtures.pipelineSmall(), dir).before("semantic_predict configs/lamella.yaml");
        Path cfg = step.work.resolve("configs/lamella.yaml");
        Files.writeString(cfg, Files.readString(cfg).replace("3d_postprocessing: false", "3d_postprocessing: true")
                .replace("save_internal_files: true", "save_internal_files: false"));
        assertEquals(0, step.run("semantic_predict", "configs/lamella.yaml", "--filename", "TS_01.mrc"));
        org.cryosiam.io.NdData labels = org.cryosiam.io.Hdf5.read(step.actual("lamella/TS_01_preds.h5"), "labels");
        assertEquals("[40, 52, 47]", java.util.Arrays.toString(labels.shape()));
        // against the reference's 3-D chain applied to the reference's probabilities
        float[] probs = org.cryosiam.io.Hdf5.read(step.expected("lamella/TS_01_preds.h5"), "probs").toFloatArray();
        byte[] cc = org.cryosiam.inference.LamellaPostprocessing.largestComponent(probs, 40, 52, 47, 0.5);
        byte[] want = org.cryosiam.inference.LamellaPostprocessing.hull3d(cc, 40, 52, 47);
        long[] w = new long[want.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = want[i];
        }
        assertTrue(FixtureStep.equalFraction(w, labels.toLongArray()) >= 0.999);
    }

    /**
     * The Python docs' semantic config (postprocessing: true) on a 4-class model (issue 28, item 1): the reference
     * replaces the labels by the hulls of class 0's largest component, and so do we, but loudly: a warning before the
     * work, and one per tomogram whose labels collapsed to one class.
     */
    @Test
    void lamellaPostprocessingOnAMultiClassModelIsWarnedAbout() throws IOException {
        FixtureStep step = new FixtureStep(Fixtures.pipelineSmall(), dir).before("semantic_predict configs/semantic.yaml");
        Path cfg = step.work.resolve("configs/semantic.yaml");
        Files.writeString(cfg, Files.readString(cfg).replace("    threshold: 0.3\n",
                "    threshold: 0.3\n    postprocessing: true\n"));
        ProcessingSupport.Result r = ProcessingSupport.run(step, "semantic_predict", "semantic.yaml", "--filename",
                "TS_01.mrc");
        r.assertOk();
        assertTrue(r.err().contains("postprocessing: true is the lamella model's post-processing"), r.err());
        assertTrue(r.err().contains("The Python tool does the same with this config"), r.err());
        assertTrue(r.err().matches("(?s).*TS_01: the labels hold class 1 only, over [5-9]\\d\\.\\d % of the volume "
                + "\\(the model has 4 classes\\); postprocessing: true made it so.*"), r.err());
    }
}
