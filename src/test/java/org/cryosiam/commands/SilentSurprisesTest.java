package org.cryosiam.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.cryosiam.FixtureStep;
import org.cryosiam.Fixtures;
import org.cryosiam.config.Config;
import org.cryosiam.config.ConfigKeys;
import org.cryosiam.io.Hdf5;
import org.cryosiam.io.NdData;
import org.cryosiam.volume.Volume;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/** Issue 18, "silent surprises": runs that did nothing, or something else than asked, now say so. */
class SilentSurprisesTest {
    @TempDir
    Path dir;

    /** Rewrites a config of the fixture copy. */
    @SuppressWarnings("unchecked")
    private static void edit(FixtureStep step, String config, Consumer<Map<String, Object>> change) throws IOException {
        Path f = step.work.resolve(config);
        Map<String, Object> yaml = (Map<String, Object>) new Yaml().load(Files.readString(f));
        change.accept(yaml);
        Files.writeString(f, new Yaml().dump(yaml));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> m, String key) {
        return (Map<String, Object>) m.get(key);
    }

    private static ProcessingSupport.Result run(FixtureStep step, String command, String config, String... extra) {
        String[] args = Stream.concat(Stream.of(command, "--config_file", step.work.resolve(config).toString()),
                Stream.of(extra)).toArray(String[]::new);
        return ProcessingSupport.run(args);
    }

    /** An all-zero copy of the first tomogram: every network command refuses it after loading its model. */
    private static void zeroTomogram(Path file) {
        ProcessingSupport.tomogram(file, 8, 8, 8, 1f);
    }

    private static long lines(String err, String part) {
        return err.lines().filter(l -> l.contains(part)).count();
    }

    @Test
    void misspelledKeysAreWarnedOnceWithTheNearestKnownKey() throws IOException {
        FixtureStep step = new FixtureStep(Fixtures.pipelineSmall(), dir);
        edit(step, "configs/denoise.yaml", y -> {
            map(map(y, "parameters"), "data").put("pach_size", List.of(16, 16, 16));
            y.put("hyperparameters", Map.of("batch_size", 2));
            y.put("test_file", List.of("TS_01.mrc"));
            y.put("completely_unrelated_thing", 1);
            map(y, "parameters").put("gpu_devices", 8);
            map(y, "parameters").put("nodes", 1);
            map(y, "hyper_parameters").put("cache_rate", 0);
            y.put("file_extension", ".rec"); // stop the run right after the warnings
        });
        ProcessingSupport.Result r = run(step, "denoise_predict", "configs/denoise.yaml");
        assertEquals(2, r.code(), r.err());
        String err = r.err();
        assertEquals(1, lines(err, "unknown key 'parameters.data.pach_size' is ignored (did you mean patch_size?)."), err);
        assertEquals(1, lines(err, "unknown key 'hyperparameters' is ignored (did you mean hyper_parameters?)."), err);
        assertEquals(1, lines(err, "unknown key 'test_file' is ignored (did you mean test_files?)."), err);
        assertEquals(1, lines(err, "unknown key 'completely_unrelated_thing' is ignored."), err);
        assertEquals(4, lines(err, "warning: "), err);
        assertEquals(1, lines(err, "not used here"), err);
        assertTrue(err.contains(": cache_rate, gpu_devices, nodes\n"), err);
    }

    @Test
    void theFixtureConfigsHaveNoUnknownKeys() throws IOException {
        try (Stream<Path> s = Files.list(Fixtures.pipelineSmall().resolve("configs"))) {
            for (Path c : (Iterable<Path>) s::iterator) {
                ConfigKeys.Report r = ConfigKeys.check(Config.load(c));
                assertEquals(List.of(), r.warnings(), c.toString());
                assertEquals(List.of(), r.ignored(), c.toString());
            }
        }
    }

    @Test
    void noFileWithTheExtensionIsAnError() throws IOException {
        FixtureStep step = new FixtureStep(Fixtures.pipelineSmall(), dir);
        edit(step, "configs/denoise.yaml", y -> y.put("file_extension", ".rec"));
        run(step, "denoise_predict", "configs/denoise.yaml")
                .assertUserError("no file name ends with file_extension '.rec' (it holds .mrc files), so there is "
                        + "nothing to do; check data_folder and file_extension in the config.");
        assertFalse(Files.exists(step.actual("denoised")), "nothing written, not even a run record");
    }

    @Test
    void everyTomogramWithoutInstanceMasksIsAnError() throws IOException {
        FixtureStep step = new FixtureStep(Fixtures.pipelineSmall(), dir)
                .before("simsiam_embeddings_predict configs/embeddings.yaml");
        // the docs' embedding config names .../instances, the instance config writes .../instance
        edit(step, "configs/embeddings.yaml", y -> y.put("instances_mask_folder", step.work.resolve("out/instances").toString()));
        run(step, "simsiam_embeddings_predict", "configs/embeddings.yaml")
                .assertUserError("(instances_mask_folder): no instance masks for any of the 2 tomograms (e.g. no "
                        + "TS_01_instance_preds.h5), so there is nothing to embed");
    }

    @Test
    void zeroPatchesIsAnError() throws IOException {
        Path data = Files.createDirectories(dir.resolve("tomograms"));
        Path labels = Files.createDirectories(dir.resolve("labels"));
        Path distances = Files.createDirectories(dir.resolve("temp/distances"));
        ProcessingSupport.tomogram(data.resolve("TS_01.mrc"), 8, 8, 8, 1f);
        ProcessingSupport.tomogram(labels.resolve("TS_01.mrc"), 8, 8, 8, 1f);
        Hdf5.write(distances.resolve("TS_01.h5"), "data", NdData.float32(new float[2 * 512], 2, 8, 8, 8));
        Path cfg = dir.resolve("patches.yaml");
        Files.writeString(cfg, "data_folder: " + data + "\nlabels_folder: " + labels + "\npatches_folder: "
                + dir.resolve("patches") + "\ntemp_dir: " + dir.resolve("temp") + "\nfile_extension: .mrc\n"
                + "parameters:\n  data:\n    patch_size: [128, 128, 128]\n");
        ProcessingSupport.Result r = ProcessingSupport.run("semantic_train_create_patches", "--config_file", cfg.toString());
        assertEquals(2, r.code(), r.err());
        String last = r.err().strip().lines().reduce((a, b) -> b).orElse("");
        assertTrue(last.contains("no patches written, because every tomogram is smaller than "
                + "parameters.data.patch_size [128, 128, 128] (TS_01 is [8, 8, 8]); set a patch size no larger than "
                + "the tomograms."), r.err());
        // all background with remove_only_background
        Files.writeString(cfg, Files.readString(cfg).replace("[128, 128, 128]", "[4, 4, 4]\n    remove_only_background: true"));
        r = ProcessingSupport.run("semantic_train_create_patches", "--config_file", cfg.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("every patch held only background"), r.err());
    }

    @Test
    void aConstantTomogramIsRefused() throws IOException {
        FixtureStep step = new FixtureStep(Fixtures.pipelineSmall(), dir);
        zeroTomogram(step.work.resolve("tomograms/TS_01.mrc"));
        ProcessingSupport.Result r = run(step, "denoise_predict", "configs/denoise.yaml");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("TS_01.mrc: every voxel of the tomogram has the value 0.0, so there is no "
                + "contrast to work on; check that it is the right file and that its reconstruction succeeded."), r.err());
        assertFalse(Files.exists(step.actual("denoised/TS_01.mrc")));
    }

    @Test
    void aPatchSizeOtherThanTheModelsIsWarnedNamingBoth() throws IOException {
        FixtureStep step = new FixtureStep(Fixtures.pipelineSmall(), dir);
        edit(step, "configs/denoise.yaml", y -> map(map(y, "parameters"), "data").put("patch_size", List.of(16, 16, 16)));
        zeroTomogram(step.work.resolve("tomograms/TS_01.mrc")); // stops the run after the model is loaded
        ProcessingSupport.Result r = run(step, "denoise_predict", "configs/denoise.yaml");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("parameters.data.patch_size [16, 16, 16] differs from the patch size [32, 32, 32] "
                + "the model denoise.ckpt was trained with"), r.err());
        // the model's own size: no warning
        edit(step, "configs/denoise.yaml", y -> map(map(y, "parameters"), "data").put("patch_size", List.of(32, 32, 32)));
        assertFalse(run(step, "denoise_predict", "configs/denoise.yaml").err().contains("warning"));
    }

    @Test
    void outChannelsAndPostprocessingSizesBeyondTheModelsClassesAreWarned() throws IOException {
        FixtureStep step = new FixtureStep(Fixtures.pipelineSmall(), dir).before("semantic_to_centers configs/particles.yaml");
        edit(step, "configs/particles.yaml", y -> map(map(y, "parameters"), "network").put("out_channels", 13));
        ProcessingSupport.Result r = run(step, "semantic_to_centers", "configs/particles.yaml");
        assertEquals(0, r.code(), r.err());
        assertEquals(1, lines(r.err(), "warning: "), r.err());
        assertTrue(r.err().contains("parameters.network.out_channels is 13 but the model particles.ckpt has 4 classes"),
                r.err());

        edit(step, "configs/semantic_post.yaml", y -> {
            map(map(y, "parameters"), "network").put("postprocessing_sizes", List.of(-1, 40, -1, 15, 3, 3));
            y.put("trained_model", step.work.resolve("models/semantic.ckpt").toString());
        });
        step.before("semantic_postprocessing configs/semantic_post.yaml");
        r = run(step, "semantic_postprocessing", "configs/semantic_post.yaml");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("postprocessing_sizes has 6 entries but the model semantic.ckpt gives 4 classes; "
                + "the entries after the first 4 apply to no class."), r.err());
    }

    @Test
    void anEmbeddingDimTheModelLacksIsWarned() throws IOException {
        FixtureStep step = new FixtureStep(Fixtures.pipelineSmall(), dir)
                .before("simsiam_embeddings_predict configs/embeddings.yaml");
        edit(step, "configs/embeddings.yaml", y -> map(map(y, "parameters"), "network").put("dim", 64));
        zeroTomogram(step.actual("denoised/TS_01.mrc"));
        ProcessingSupport.Result r = run(step, "simsiam_embeddings_predict", "configs/embeddings.yaml");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("parameters.network.dim is 64 but the model embeddings.ckpt gives embeddings of 32 "
                + "values; the model's are written."), r.err());
    }

    @Test
    void anUnwritableOutputFolderIsRefusedBeforeAnyWork() throws IOException {
        FixtureStep step = new FixtureStep(Fixtures.pipelineSmall(), dir);
        Path target = ProcessingSupport.unwritableFolder(dir);
        edit(step, "configs/denoise.yaml", y -> y.put("prediction_folder", target.toString()));
        ProcessingSupport.Result r = run(step, "denoise_predict", "configs/denoise.yaml");
        r.assertUserError("(prediction_folder): permission denied, cannot write to ");
        assertFalse(r.err().contains("model"), "refused before the model was loaded: " + r.err());
    }
}
