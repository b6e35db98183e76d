package org.cryosiam.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.cryosiam.Fixtures;
import org.cryosiam.Main;
import org.cryosiam.checkpoint.Checkpoint;
import org.cryosiam.checkpoint.DType;
import org.cryosiam.checkpoint.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fine-tuning as users run it (issue 26's case: the fixture's denoised tomograms and labels, the pretrained dense
 * backbone, 4 classes, the reference's augmentations): the loss is finite and falls, and the checkpoint is finite,
 * also under the scheduling that made every run NaN on AVX-512 CPUs before the channel padding of the convolutions:
 * more libtorch threads than cores, the launcher's allocator settings (freed memory reused at once), frequent garbage
 * collections, and a slowed allocator that fills fresh memory.
 */
class FineTuningTest {
    @TempDir
    static Path dir;

    static String config(String logDir, String transforms, int epochs) {
        Path f = Fixtures.pipelineSmall();
        return String.join("\n",
                "data_folder: '" + dir.resolve("data") + "'",
                "labels_folder: '" + dir.resolve("labels") + "'",
                "noisy_data_folder: null",
                "patches_folder: '" + dir.resolve("patches") + "'",
                "temp_dir: '" + dir.resolve("temp") + "'",
                "log_dir: '" + dir.resolve(logDir) + "'",
                "prediction_folder: '" + dir.resolve(logDir).resolve("pred") + "'",
                "pretrained_model: '" + f.resolve("models/dense_simsiam_pretrained.ckpt") + "'",
                "file_extension: .mrc",
                "train_files: [TS_01.mrc, TS_02.mrc]",
                "val_files: [TS_02.mrc]",
                "validation_ratio: 0.1",
                "continue_training: false",
                "parameters:",
                "  data: {patch_size: [32, 32, 32], patch_overlap: 0.5, remove_only_background: false, min: 0, max: 1, "
                        + "mean: 0, std: 1}",
                "  transforms: " + transforms,
                "  network: {in_channels: 1, spatial_dims: 3, out_channels: 4, dense_dim: 8, filters: [32, 64], "
                        + "kernel_size: 3, padding: 1, distance_prediction: true, use_dice_loss: true, "
                        + "unfreeze_decoder: true, unfreeze_backbone: true}",
                "hyper_parameters: {val_interval: 1, batch_size: 2, optimizer: adamw, lr: 0.001, momentum: 0.9, "
                        + "weight_decay: 0.00001, max_epochs: " + epochs + "}",
                "");
    }

    static final String REFERENCE_AUGMENTATIONS = "{low_pass_sigma_range: [0.1, 0.6], high_pass_sigma_range: "
            + "[0.1, 0.2], high_pass_sigma2_range: [4, 6], noise_sigma_range: [0.01, 0.05], combine_transforms: false, "
            + "use_noisy_input: false, scale_intensity_factors: null, elastic: null, zoom: [0.8, 1.2], "
            + "rotate: [3.14, 3.14, 3.14], flip: true}";
    static final String NO_AUGMENTATION = "{low_pass_sigma_range: null, high_pass_sigma_range: null, "
            + "noise_sigma_range: null, scale_intensity_factors: null, elastic: null, zoom: null, rotate: null, "
            + "flip: false}";

    static Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @BeforeAll
    static void patches() throws IOException {
        Path f = Fixtures.pipelineSmall();
        Files.createDirectories(dir.resolve("data"));
        Files.createDirectories(dir.resolve("labels"));
        for (String t : List.of("TS_01.mrc", "TS_02.mrc")) {
            Files.copy(f.resolve("expected/denoised").resolve(t), dir.resolve("data").resolve(t));
            Files.copy(f.resolve("truth/labels").resolve(t), dir.resolve("labels").resolve(t));
        }
        Path cfg = write("prepare.yaml", config("prepare", REFERENCE_AUGMENTATIONS, 1));
        assertEquals(0, Main.run("--quiet", "semantic_train_preprocess", "--config_file", cfg.toString()));
        assertEquals(0, Main.run("--quiet", "semantic_train_create_patches", "--config_file", cfg.toString()));
    }

    /** {epoch, train loss, validation loss} of each row of a metrics CSV, every value finite. */
    static List<double[]> finiteMetrics(Path csv) throws IOException {
        List<double[]> rows = new ArrayList<>();
        for (String line : Files.readAllLines(csv)) {
            if (!line.startsWith("epoch")) {
                String[] v = line.split(",", -1);
                double[] row = {Double.parseDouble(v[0]), Double.parseDouble(v[3]), Double.parseDouble(v[6])};
                assertTrue(Double.isFinite(row[1]) && Double.isFinite(row[2]), csv + ": " + line);
                rows.add(row);
            }
        }
        return rows;
    }

    static void assertFiniteCheckpoint(Path ckpt) {
        for (Map.Entry<String, Tensor> e : Checkpoint.load(ckpt).stateDict().entrySet()) {
            if (e.getValue().dtype() == DType.FLOAT32) {
                for (float v : e.getValue().toFloatArray()) {
                    assertTrue(Float.isFinite(v), ckpt + ": " + e.getKey());
                }
            }
        }
    }

    /** 20 steps (5 epochs of 4 batches) without augmentation: the training loss falls at every epoch. */
    @Test
    void lossFallsOverTwentyStepsWithoutAugmentation() throws IOException {
        Path cfg = write("plain.yaml", config("plain", NO_AUGMENTATION, 5));
        assertEquals(0, Main.run("--quiet", "--device", "cpu", "semantic_train", "--config_file", cfg.toString()));
        List<double[]> m = finiteMetrics(dir.resolve("plain/metrics.csv"));
        assertEquals(5, m.size());
        for (int e = 1; e < m.size(); e++) {
            assertTrue(m.get(e)[1] < m.get(e - 1)[1], "training loss rose at epoch " + (e + 1) + ": " + m.get(e - 1)[1]
                    + " -> " + m.get(e)[1]);
        }
        assertTrue(m.get(4)[2] < m.get(0)[2], "validation loss " + m.get(0)[2] + " -> " + m.get(4)[2]);
        assertFiniteCheckpoint(dir.resolve("plain/model/last.ckpt"));
    }

    /**
     * The reference's augmentations in a separate JVM under each stress: 4 libtorch threads on this machine's cores
     * with the launcher's allocator settings and a 2 MB young generation (a collection every few batches), then
     * glibc's perturbed allocator. Every run finite, learning, with a finite checkpoint.
     */
    @Test
    void finiteAndLearningUnderThreadAllocatorAndCollectorStress() throws Exception {
        String launcherMalloc = "glibc.malloc.arena_max=1:glibc.malloc.mmap_max=0:"
                + "glibc.malloc.trim_threshold=1099511627776";
        List<Map<String, String>> stresses = List.of(
                Map.of("OMP_NUM_THREADS", "4", "GLIBC_TUNABLES", launcherMalloc, "JVM", "-Xmn2m"),
                Map.of("GLIBC_TUNABLES", "glibc.malloc.perturb=165:glibc.malloc.mmap_max=0", "JVM", "-Xmn2m"));
        int i = 0;
        for (Map<String, String> stress : stresses) {
            String log = "stress" + i++;
            Path cfg = write(log + ".yaml", config(log, REFERENCE_AUGMENTATIONS, 2));
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-Xmx1g", stress.get("JVM"), "-XX:+UseSerialGC", "-Dai.djl.offline=true", "-cp",
                    System.getProperty("java.class.path"), Main.class.getName(), "--quiet", "--device", "cpu",
                    "semantic_train", "--config_file", cfg.toString()));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(dir.resolve(log + ".out").toFile());
            stress.forEach((k, v) -> {
                if (!k.equals("JVM")) {
                    pb.environment().put(k, v);
                }
            });
            Process p = pb.start();
            assertTrue(p.waitFor(5, TimeUnit.MINUTES), log + " did not finish");
            String out = Files.readString(dir.resolve(log + ".out"));
            assertEquals(0, p.exitValue(), stress + ": " + out);
            List<double[]> m = finiteMetrics(dir.resolve(log).resolve("metrics.csv"));
            assertEquals(2, m.size());
            assertTrue(m.get(1)[1] < m.get(0)[1], stress + ": training loss " + m.get(0)[1] + " -> " + m.get(1)[1]);
            assertFiniteCheckpoint(dir.resolve(log).resolve("model/last.ckpt"));
        }
    }
}
