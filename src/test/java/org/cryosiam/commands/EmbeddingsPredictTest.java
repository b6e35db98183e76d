package org.cryosiam.commands;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.cryosiam.FixtureStep;
import org.cryosiam.Fixtures;
import org.cryosiam.io.Hdf5;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** simsiam_embeddings_predict against the reference's outputs for the pipeline_small case. */
class EmbeddingsPredictTest {
    static final String STEP = "simsiam_embeddings_predict configs/embeddings.yaml";

    @TempDir
    Path dir;

    @Test
    void matchesTheReferenceOnThePipelineCase() throws IOException {
        FixtureStep step = new FixtureStep(Fixtures.pipelineSmall(), dir).before(STEP);
        assertEquals(0, step.run("simsiam_embeddings_predict", "configs/embeddings.yaml"));
        checkOutputs(step, STEP);
    }

    static void checkOutputs(FixtureStep step, String stepName) {
        for (String f : step.writes(stepName)) {
            assertTrue(Files.exists(step.actual(f)), f + " was not written");
            if (f.endsWith("_instance_labels.h5")) {
                assertArrayEquals(Hdf5.read(step.expected(f), "labels").toLongArray(),
                        Hdf5.read(step.actual(f), "labels").toLongArray(), f);
                assertEquals(Hdf5.read(step.expected(f), "labels").type(), Hdf5.read(step.actual(f), "labels").type());
            } else if (f.endsWith(".h5")) {
                step.assertHdf5Close(f);
            } else {
                step.assertTableClose(f);
            }
        }
    }

    @Test
    void skipsTomogramsAlreadyDone() throws IOException {
        FixtureStep step = new FixtureStep(Fixtures.pipelineSmall(), dir).before(STEP);
        Path done = step.actual("embeds/TS_01_embeds.h5");
        Files.createDirectories(done.getParent());
        Files.writeString(done, "marker");
        assertEquals(0, step.run("simsiam_embeddings_predict", "configs/embeddings.yaml"));
        assertEquals("marker", Files.readString(done));
        assertTrue(Files.notExists(step.actual("embeds/TS_01_instance_regions.csv")));
        assertTrue(Files.exists(step.actual("embeds/TS_02_embeds.h5")));
    }
}
