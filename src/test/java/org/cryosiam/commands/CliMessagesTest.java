package org.cryosiam.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.cryosiam.CliRun;
import org.junit.jupiter.api.Test;

/** Issue 18, "honest help": command-line mistakes are one sentence, and --help offers only what a command uses. */
class CliMessagesTest {
    private static String help(String... args) {
        CliRun r = CliRun.run(args);
        assertEquals(0, r.code(), r.err());
        return r.out().replaceAll("\\s+", " "); // unwrapped
    }

    @Test
    void anUnknownCommandNamesTheNearestOne() {
        ProcessingSupport.run("denois_predict").assertUserError(
                "cryosiam: unknown command denois_predict (did you mean denoise_predict?); see cryosiam --help.");
        ProcessingSupport.Result far = ProcessingSupport.run("no_such_command");
        far.assertUserError("cryosiam: unknown command no_such_command; see cryosiam --help.");
    }

    @Test
    void aMissingOrMisplacedConfigIsOneSentence() {
        ProcessingSupport.run("denoise_predict").assertUserError(
                "denoise_predict: missing --config_file FILE, the YAML config of this step;");
        ProcessingSupport.run("denoise_predict", "denoise.yaml").assertUserError(
                "unexpected argument denoise.yaml; give the config as --config_file denoise.yaml;");
        ProcessingSupport.run("denoise_predict", "--config", "denoise.yaml").assertUserError(
                "unknown option --config (did you mean --config_file?);");
        ProcessingSupport.run("denoise_predict", "--config_file", "a.yaml", "b.yaml").assertUserError(
                "unexpected argument b.yaml;");
    }

    @Test
    void helpOffersOnlyWhatTheCommandUses() {
        assertTrue(help("--help").contains("default: the first GPU when libtorch sees one, else cpu"));
        assertTrue(help("denoise_predict", "--help").contains("--device"));
        assertTrue(help("denoise_predict", "--help").contains("--filename"));
        for (String cmd : new String[] {"info", "models", "semantic_to_centers", "processing_invert_scale"}) {
            assertFalse(help(cmd, "--help").contains("--device"), cmd);
            assertFalse(help(cmd, "--help").contains("--max_memory"), cmd);
        }
        // the memory budget only where a dense prediction plans its batch by it (issue 28, item 15)
        assertTrue(help("instance_predict", "--help").contains("--max_memory"));
        assertFalse(help("simsiam_embeddings_kmeans_clustering", "--help").contains("--max_memory"));
        assertTrue(help("simsiam_embeddings_predict", "--help").contains("--max_memory"));
        String train = help("semantic_train", "--help");
        assertFalse(train.contains("--filename") || train.contains("--array-task"), train);
        assertTrue(train.contains("--device"), train);
        ProcessingSupport.run("info", "--device", "cpu").assertUserError("unknown option --device");
        // the global option before the command still works
        assertEquals(0, CliRun.run("--device", "cpu", "--quiet", "models", "--help").code());
    }

    /** A semantic_predict config on the fixture tomograms with {@code trained_model: <model>} (YAML text as given). */
    private static java.nio.file.Path semanticConfig(java.nio.file.Path dir, String model) throws java.io.IOException {
        return java.nio.file.Files.writeString(dir.resolve("c.yaml"), String.join("\n",
                "data_folder: '" + org.cryosiam.Fixtures.pipelineSmall().resolve("tomograms") + "'",
                "prediction_folder: '" + dir.resolve("pred") + "'",
                "trained_model: " + model,
                "file_extension: .mrc",
                "parameters:",
                "  data: {patch_size: [32, 32, 32], min: 0, max: 1, mean: 0, std: 1}",
                "  network: {in_channels: 1, spatial_dims: 3, threshold: 0.5}",
                "hyper_parameters: {batch_size: 2}", ""));
    }

    /** Issue 28 item 12: a folder as the model (e.g. {@code trained_model: /}) was a NullPointerException, exit 1. */
    @Test
    void aFolderAsTheModelIsOneSentence(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        java.nio.file.Files.createDirectories(dir.resolve("model"));
        java.nio.file.Files.writeString(dir.resolve("model/last.ckpt"), "");
        for (String model : new String[] {"/", dir.resolve("model").toString()}) {
            java.nio.file.Path cfg = semanticConfig(dir, "'" + model + "'");
            ProcessingSupport.run("semantic_predict", "--config_file", cfg.toString()).assertUserError(
                    "trained_model " + model + " is a folder, not a checkpoint; name the .ckpt file itself");
        }
    }

    /** A mistyped published model name in a config (issue 28, item 14) suggests the closest one. */
    @Test
    void aMistypedModelNameSuggestsTheClosest(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        java.nio.file.Path cfg = semanticConfig(dir, "cryosiam_lamela");
        ProcessingSupport.run("semantic_predict", "--config_file", cfg.toString()).assertUserError(
                "trained_model cryosiam_lamela is not a file, and no published model is called 'cryosiam_lamela'; "
                        + "did you mean cryosiam_lamella? (`cryosiam models list` shows them all).");
    }

    @Test
    void everyUserErrorEndsWithAFullStop() {
        // worded without one in nn/Devices
        ProcessingSupport.run("--device", "tpu:3", "benchmark", "--seconds", "0")
                .assertUserError("unknown device 'tpu:3': use cpu, cuda or cuda:N.");
    }

    @Test
    void aNullLabelsFolderForFilteringSaysThereIsNothingToFilter(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        java.nio.file.Path cfg = java.nio.file.Files.writeString(dir.resolve("train.yaml"),
                "labels_folder: " + dir.resolve("labels") + "\nlabels_folder_for_filtering: null\n"
                        + "selected_labels: null\nfile_extension: .mrc\n");
        ProcessingSupport.run("semantic_filter_ground_truth", "--config_file", cfg.toString())
                .assertUserError("labels_folder_for_filtering is null, so there is nothing to filter; skip this step "
                        + "when labels_folder already holds the labels to train on");
    }
}
