package org.cryosiam.workflow;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.cryosiam.FixtureStep;
import org.cryosiam.Fixtures;
import org.cryosiam.UserErrors;
import org.cryosiam.checkpoint.Checkpoint;
import org.cryosiam.checkpoint.CheckpointWriter;
import org.cryosiam.checkpoint.Tensor;
import org.cryosiam.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tensor of the network missing from the state_dict is an error naming it, as the reference's strict load. */
class StrictLoadTest {
    @TempDir
    Path dir;

    private static void withoutTensor(Path ckpt, String key) {
        Checkpoint c = Checkpoint.load(ckpt);
        Map<String, Tensor> sd = new LinkedHashMap<>(c.stateDict());
        assertTrue(sd.remove(key) != null, key);
        CheckpointWriter.write(ckpt, CheckpointWriter.lightning(sd, c.hyperParameters(), 2, 30, List.of(),
                List.of(), Map.of()));
    }

    @Test
    void denoisePredictRefusesACheckpointWithoutATensor() throws IOException {
        FixtureStep step = new FixtureStep(Fixtures.pipelineSmall(), dir);
        Path model = step.work.resolve("models/denoise.ckpt");
        byte[] original = Files.readAllBytes(model);
        // a projector the prediction does not use: the reference's strict load refuses it all the same
        for (String key : List.of("_model_backbone.global_projector.1.running_var",
                // one downsample bias of three: no MONAI version writes that
                "_model_backbone.encoder.layer3.0.downsample.0.bias")) {
            Files.write(model, original);
            withoutTensor(model, key);
            CliRun r = CliRun.run("--quiet", "denoise_predict", "--config_file",
                    step.work.resolve("configs/denoise.yaml").toString());
            UserErrors.assertOneSentence(r, model, key, "missing");
            assertTrue(Files.notExists(step.actual("denoised/TS_01.mrc")), "nothing written");
        }
    }
}
