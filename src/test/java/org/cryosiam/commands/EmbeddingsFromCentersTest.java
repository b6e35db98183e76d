package org.cryosiam.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.cryosiam.FixtureStep;
import org.cryosiam.Fixtures;
import org.cryosiam.io.Csv;
import org.cryosiam.io.Hdf5;
import org.cryosiam.io.StarFile;
import org.cryosiam.io.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** simsiam_embeddings_from_centers_predict against the reference's outputs for the pipeline_small case. */
class EmbeddingsFromCentersTest {
    private static final String STEP = "simsiam_embeddings_from_centers_predict configs/embeddings_centers.yaml";

    @TempDir
    Path dir;

    @Test
    void matchesTheReferenceOnThePipelineCase() throws IOException {
        FixtureStep step = new FixtureStep(Fixtures.pipelineSmall(), dir).before(STEP);
        assertEquals(0, step.run("simsiam_embeddings_from_centers_predict", "configs/embeddings_centers.yaml"));
        EmbeddingsPredictTest.checkOutputs(step, STEP);
        assertTrue(Files.notExists(step.actual("embeds_centers/centers_with_labels.star")), "labels were given");
    }

    @Test
    void centresWithoutLabelsAreNumberedAndWritten() throws IOException {
        FixtureStep step = new FixtureStep(Fixtures.pipelineSmall(), dir).before(STEP);
        // the same centres as a CSV without labels or areas
        Table star = StarFile.readTable(step.actual("particles/labels_2_particles.star"));
        Table csv = Table.builder().doubles("centroid-0", star.doubles("rlnCoordinateZ"))
                .doubles("centroid-1", star.doubles("rlnCoordinateY"))
                .doubles("centroid-2", star.doubles("rlnCoordinateX"))
                .strings("tomo", star.strings("rlnMicrographName")).build();
        Path centres = step.work.resolve("out/centres.csv");
        Csv.write(centres, csv);
        Path cfg = step.work.resolve("configs/embeddings_centers.yaml");
        Files.writeString(cfg, Files.readString(cfg).replace("particles/labels_2_particles.star", "centres.csv"));
        assertEquals(0, step.run("simsiam_embeddings_from_centers_predict", "configs/embeddings_centers.yaml"));
        Table numbered = Csv.read(step.actual("embeds_centers/centers_with_labels.csv"));
        assertEquals("label", numbered.columns().get(0));
        assertEquals(csv.rowCount(), numbered.rowCount());
        Table ts1 = Csv.read(step.actual("embeds_centers/TS_01_instance_regions.csv"));
        assertEquals(java.util.List.of("label", "centroid-0", "centroid-1", "centroid-2", "area"), ts1.columns());
        assertEquals(216, ts1.longs("area")[0], "area = centers_patch_size³");
        // the embeddings do not depend on where the centres came from
        FixtureStep.assertFloatsClose(Hdf5.read(step.expected("embeds_centers/TS_01_embeds.h5"), "embeddings").toDoubleArray(),
                Hdf5.read(step.actual("embeds_centers/TS_01_embeds.h5"), "embeddings").toDoubleArray(), "TS_01 embeddings");
    }
}
