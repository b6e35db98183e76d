package org.cryosiam.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.cryosiam.FixtureStep;
import org.cryosiam.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 18: an embedding output is reused only when the same command, config and model made it. */
class EmbeddingReuseTest {
    @TempDir
    Path dir;

    private static ProcessingSupport.Result run(FixtureStep step, String command, String config) {
        return ProcessingSupport.run(command, "--config_file", step.work.resolve(config).toString(), "--filename", "1");
    }

    @Test
    void reusedOnlyForTheSameCommandConfigAndModel() throws IOException {
        FixtureStep step = new FixtureStep(Fixtures.pipelineSmall(), dir)
                .before("simsiam_embeddings_from_centers_predict configs/embeddings_centers.yaml");
        Path embeds = step.actual("embeds/TS_01_embeds.h5");
        // a file from an unknown run (here: the reference's, put there by before()) is not trusted
        assertTrue(Files.exists(embeds));
        ProcessingSupport.Result first = run(step, "simsiam_embeddings_predict", "configs/embeddings.yaml");
        first.assertOk();
        assertTrue(first.err().contains("recomputing TS_01: " + embeds + " was made by an older or unknown run"),
                first.err());

        ProcessingSupport.Result again = run(step, "simsiam_embeddings_predict", "configs/embeddings.yaml");
        again.assertOk();
        assertTrue(again.err().contains("TS_01: outputs up to date (same config and model), skipped; --overwrite "
                + "recomputes"), again.err());
        assertFalse(again.err().contains("wrote "), again.err());

        // the other embedding command on the same folder
        Path centers = step.work.resolve("configs/embeddings_centers.yaml");
        Files.writeString(centers, Files.readString(centers).replace("out/embeds_centers", "out/embeds"));
        ProcessingSupport.Result other = run(step, "simsiam_embeddings_from_centers_predict", "configs/embeddings_centers.yaml");
        other.assertOk();
        assertTrue(other.err().contains("recomputing TS_01: " + embeds + " was made by another command"), other.err());

        // a new masking_type
        Path cfg = step.work.resolve("configs/embeddings.yaml");
        Files.writeString(cfg, Files.readString(cfg).replace("masking_type: 1", "masking_type: 2"));
        ProcessingSupport.Result masked = run(step, "simsiam_embeddings_predict", "configs/embeddings.yaml");
        masked.assertOk();
        assertTrue(masked.err().contains("recomputing TS_01: " + embeds + " was made by another command"),
                masked.err()); // the centres run wrote it last
        ProcessingSupport.Result masked2 = run(step, "simsiam_embeddings_predict", "configs/embeddings.yaml");
        assertTrue(masked2.err().contains("outputs up to date"), masked2.err());
        Files.writeString(cfg, Files.readString(cfg).replace("masking_type: 2", "masking_type: 0"));
        ProcessingSupport.Result unmasked = run(step, "simsiam_embeddings_predict", "configs/embeddings.yaml");
        assertEquals(0, unmasked.code(), unmasked.err());
        assertTrue(unmasked.err().contains("recomputing TS_01: " + embeds + " was made by another config"),
                unmasked.err());
    }
}
