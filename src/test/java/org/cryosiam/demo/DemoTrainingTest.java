package org.cryosiam.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.cryosiam.Main;
import org.cryosiam.checkpoint.Checkpoint;
import org.cryosiam.checkpoint.ModelKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cryosiam train_demo_models} end to end at the smallest settings (2 small phantoms, 40 patches, 1 epoch):
 * six checkpoints of the kinds the demo needs, without optimiser state, with their training logs. (Whether the
 * models are good is {@link DemoTest}'s question, on the bundled ones.)
 */
class DemoTrainingTest {
    @TempDir
    Path dir;

    @Test
    void writesTheSixDemoModels() {
        assertEquals(0, Main.run("--quiet", "train_demo_models", "--out", dir.toString(), "--size", "small",
                "--phantoms", "2", "--patches", "40", "--epochs", "1", "--embedding-epochs", "1"));
        Map<String, ModelKind> kinds = Map.of("denoise.ckpt", ModelKind.DENOISING, "lamella.ckpt",
                ModelKind.SEMANTIC, "semantic.ckpt", ModelKind.SEMANTIC, "particles.ckpt", ModelKind.SEMANTIC,
                "instance.ckpt", ModelKind.INSTANCE, "embeddings.ckpt", ModelKind.EMBEDDING);
        for (String m : Demo.MODELS) {
            Checkpoint c = Checkpoint.load(dir.resolve("models").resolve(m));
            assertEquals(kinds.get(m), ModelKind.of(c.stateDict().keySet()), m);
            assertEquals(List.of(), c.get("optimizer_states"), m + ": no optimiser state");
            Map<?, ?> config = (Map<?, ?>) c.hyperParameters().get("config");
            assertTrue(String.valueOf(config.get("trained_by")).contains("train_demo_models"), m);
            // a fixed order, so that a rerun writes the same bytes (Map.of's order changes from run to run)
            assertEquals(List.of("network", "data"), List.copyOf(((Map<?, ?>) config.get("parameters")).keySet()), m);
        }
        for (String m : List.of("denoise", "lamella", "semantic", "particles", "instance")) {
            assertTrue(Files.isRegularFile(dir.resolve("training").resolve(m).resolve("metrics.csv")), m);
        }
        assertTrue(Files.isRegularFile(dir.resolve("denoise-work/denoised/train_01.mrc")),
                "the later models learn on denoise_predict's output");
    }

    @Test
    void refusesSettingsThatCannotTrain() {
        assertEquals(2, Main.run("--quiet", "train_demo_models", "--out", dir.toString(), "--phantoms", "1"));
        assertEquals(2, Main.run("--quiet", "train_demo_models", "--out", dir.toString(), "--size", "tiny"));
    }
}
