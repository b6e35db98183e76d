package org.cryosiam.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.jhdf.HdfFile;
import org.cryosiam.CliRun;
import org.cryosiam.FixtureStep;
import org.cryosiam.Fixtures;
import org.cryosiam.Main;
import org.cryosiam.ProductVersion;
import org.cryosiam.io.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.Resources;

/** Zoo names in configs, the kind errors and warnings, and {@code cryosiam_run.json}, through the CLI. */
// the model cache folder is a system property: these tests hold JUnit's lock on system properties
@ResourceLock(Resources.SYSTEM_PROPERTIES)
class ModelNamesAndRunRecordTest {
    @TempDir
    Path dir;

    Path cache;
    FixtureStep step;

    @BeforeEach
    void setUp() throws IOException {
        cache = dir.resolve("cache");
        Files.createDirectories(cache);
        System.setProperty("cryosiam.models", cache.toString());
        step = new FixtureStep(Fixtures.pipelineSmall(), dir.resolve("case"));
    }

    @AfterEach
    void tearDown() {
        System.clearProperty("cryosiam.models");
    }

    /** Puts a fixture checkpoint into the cache under a published name. */
    private void cacheAs(String fixture, String zooName) throws IOException {
        Files.copy(step.work.resolve("models/" + fixture), cache.resolve(zooName + ".ckpt"));
    }

    private void setModel(String config, String value) throws IOException {
        Path cfg = step.work.resolve("configs/" + config);
        String text = Files.readString(cfg);
        String updated = text.replaceFirst("(?m)^trained_model: .*$", "trained_model: " + value);
        assertFalse(text.equals(updated), "no trained_model in " + config);
        Files.writeString(cfg, updated);
    }

    private CliRun run(String command, String config, String... extra) {
        String[] args = new String[4 + extra.length];
        args[0] = "--quiet";
        args[1] = command;
        args[2] = "--config_file";
        args[3] = step.work.resolve("configs/" + config).toString();
        System.arraycopy(extra, 0, args, 4, extra.length);
        return CliRun.run(args);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> records(Path file) throws IOException {
        return (List<Map<String, Object>>) Json.parse(Files.readString(file));
    }

    @Test
    void zooNameResolvesToTheCacheAndEachRunIsRecorded() throws IOException, InterruptedException {
        cacheAs("denoise.ckpt", "cryosiam_denoising");
        setModel("denoise.yaml", "cryosiam_denoising");
        CliRun first = run("denoise_predict", "denoise.yaml", "--filename", "1");
        assertEquals(0, first.code(), first.err());
        assertTrue(Files.exists(step.actual("denoised/TS_01.mrc")));
        String sha = ModelCache.sha256(cache.resolve("cryosiam_denoising.ckpt"));
        // first use of a file put there by hand: recorded in the manifest
        assertEquals(sha, new ModelCache(cache).entry("cryosiam_denoising.ckpt").orElseThrow().sha256());

        setModel("denoise.yaml", "cryosiam_denoising.ckpt");
        CliRun second = run("denoise_predict", "denoise.yaml", "--filename", "2");
        assertEquals(0, second.code(), second.err());

        Path runFile = step.actual("denoised/cryosiam_run.json");
        List<Map<String, Object>> runs = records(runFile);
        assertEquals(2, runs.size(), "one record per run, the first kept");
        Map<String, Object> r = runs.get(0);
        assertEquals(ProductVersion.get(), r.get("version"));
        assertEquals("denoise_predict", r.get("command"));
        assertEquals("ok", r.get("status"));
        assertTrue(((String) r.get("config")).contains("trained_model: cryosiam_denoising"), r.toString());
        assertEquals(step.work.resolve("configs/denoise.yaml").toString(), r.get("config_file"));
        assertEquals("cpu", r.get("device"));
        assertNotNull(r.get("start"));
        assertNotNull(r.get("end"));
        Map<?, ?> model = (Map<?, ?>) ((List<?>) r.get("models")).get(0);
        assertEquals("trained_model", model.get("key"));
        assertEquals("cryosiam_denoising", model.get("name"));
        assertEquals("cryosiam_denoising.ckpt", model.get("file_name"));
        assertEquals(sha, model.get("sha256"));
        assertEquals(Files.size(cache.resolve("cryosiam_denoising.ckpt")), ((Number) model.get("size")).longValue());
        assertEquals(List.of("TS_01_preds.h5", "TS_01.mrc"), r.get("files_written"));
        assertEquals(List.of("TS_02_preds.h5", "TS_02.mrc"), runs.get(1).get("files_written"));
        assertTrue(((List<?>) runs.get(1).get("arguments")).contains("--filename"));

        // readable by Python's json.tool
        Process p = new ProcessBuilder("python3", "-m", "json.tool", runFile.toString()).redirectErrorStream(true).start();
        String pyOut = new String(p.getInputStream().readAllBytes());
        Assumptions.assumeTrue(p.waitFor() != 127, "no python3");
        assertEquals(0, p.exitValue(), pyOut);

        // the HDF5 output carries the model and the version
        Path h5 = step.actual("denoised/TS_01_preds.h5");
        try (HdfFile f = new HdfFile(h5)) {
            assertEquals("cryosiam_denoising", f.getAttribute("cryosiam_model").getData());
            assertEquals(ProductVersion.get(), f.getAttribute("cryosiam_version").getData());
            assertEquals(sha, f.getAttribute("cryosiam_model_sha256").getData());
        }
        String py = "import h5py,sys\nf=h5py.File(sys.argv[1],'r')\n"
                + "assert isinstance(f.attrs['cryosiam_model'], str)\n" // variable-length UTF-8, not bytes
                + "print(f.attrs['cryosiam_model'], f.attrs['cryosiam_version'], f['preds'].shape)\n";
        String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
        Process h = new ProcessBuilder(python, "-c", py, h5.toString()).redirectErrorStream(true).start();
        String hOut = new String(h.getInputStream().readAllBytes()).trim();
        int hCode = h.waitFor();
        Assumptions.assumeFalse(hOut.contains("No module named 'h5py'"), "h5py not installed");
        assertEquals(0, hCode, hOut);
        assertTrue(hOut.startsWith("cryosiam_denoising " + ProductVersion.get() + " (1, "), hOut);
    }

    @Test
    void aMissingZooModelNamesTheDownloadCommand() throws IOException {
        setModel("denoise.yaml", "cryosiam_denoising");
        CliRun c = run("denoise_predict", "denoise.yaml");
        assertEquals(2, c.code());
        assertTrue(c.err().contains("trained_model cryosiam_denoising is a published model that is not downloaded yet"
                + " (looked in " + cache + "): run `cryosiam models download cryosiam_denoising` first."), c.err());
        assertEquals(1, c.err().lines().count(), c.err());
        assertFalse(Files.exists(step.actual("denoised/cryosiam_run.json")), "a run that wrote nothing leaves no record");
        // a path still wins, and a name-like path that does not exist is a plain "not found"
        setModel("denoise.yaml", step.work.resolve("models/nothing.ckpt").toString());
        CliRun d = run("denoise_predict", "denoise.yaml");
        assertEquals(2, d.code());
        assertFalse(d.err().contains("models download"), d.err());
    }

    @Test
    void aCorruptedCachedModelIsRefused() throws IOException {
        cacheAs("denoise.ckpt", "cryosiam_denoising");
        new ModelCache(cache).check(Zoo.find("cryosiam_denoising").orElseThrow());
        Path f = cache.resolve("cryosiam_denoising.ckpt");
        byte[] b = Files.readAllBytes(f);
        b[b.length / 3] ^= 1;
        Files.write(f, b);
        setModel("denoise.yaml", "cryosiam_denoising");
        CliRun c = run("denoise_predict", "denoise.yaml");
        assertEquals(2, c.code());
        assertTrue(c.err().contains("run `cryosiam models download cryosiam_denoising` to fetch it again"), c.err());
    }

    @Test
    void aModelOfTheWrongKindIsAnErrorNamingThePublishedOnes() throws IOException {
        cacheAs("instance.ckpt", "cryosiam_instance");
        setModel("denoise.yaml", "cryosiam_instance");
        CliRun c = run("denoise_predict", "denoise.yaml");
        assertEquals(2, c.code());
        assertTrue(c.err().contains("this is an instance segmentation (DenseSimSiam backbone + instance heads) model; "
                + "denoise_predict needs a denoising (DenseSimSiam backbone + CNN head) model (published: "
                + "cryosiam_denoising)."), c.err());
    }

    @Test
    void anInstanceModelGivenToSemanticPredictIsAnError() throws IOException {
        Assumptions.assumeTrue(new picocli.CommandLine(Main.class).getSubcommands().containsKey("semantic_predict"),
                "semantic_predict is not in this build");
        step.before("semantic_predict configs/semantic.yaml");
        cacheAs("instance.ckpt", "cryosiam_instance");
        setModel("semantic.yaml", "cryosiam_instance");
        CliRun c = run("semantic_predict", "semantic.yaml");
        assertEquals(2, c.code());
        assertTrue(c.err().contains("semantic_predict needs a semantic segmentation"), c.err());
        assertTrue(c.err().contains("(published: cryosiam_lamella, cryosiam_semantic_segmentation"), c.err());
    }

    @Test
    void aMaskedEmbeddingModelForCentresIsAWarning() throws IOException {
        String stepName = "simsiam_embeddings_from_centers_predict configs/embeddings_centers.yaml";
        step.before(stepName);
        cacheAs("embeddings.ckpt", "simsiam_embeds_denoised_strict");
        setModel("embeddings_centers.yaml", "simsiam_embeds_denoised_strict");
        CliRun c = run("simsiam_embeddings_from_centers_predict", "embeddings_centers.yaml", "--filename", "1");
        assertEquals(0, c.code(), c.err());
        assertTrue(c.err().contains("warning: simsiam_embeds_denoised_strict was trained on masked patches "
                + "(masking_type 2), but simsiam_embeddings_from_centers_predict embeds unmasked patches around "
                + "centres: the CryoSiam documentation requires simsiam_embeds_denoised_no_masking for this command."),
                c.err());
        Map<String, Object> r = records(step.actual("embeds_centers/cryosiam_run.json")).get(0);
        assertEquals("simsiam_embeddings_from_centers_predict", r.get("command"));
        assertTrue(((List<?>) r.get("files_written")).contains("TS_01_embeds.h5"), r.toString());
        try (HdfFile f = new HdfFile(step.actual("embeds_centers/TS_01_embeds.h5"))) {
            assertEquals("simsiam_embeds_denoised_strict", f.getAttribute("cryosiam_model").getData());
        }

        // the no-masking model: no masking warning (the fixture's config asks for 16-voxel patches of a model trained
        // on 32, which is warned about on its own)
        cacheAs("embeddings.ckpt", "simsiam_embeds_denoised_no_masking");
        setModel("embeddings_centers.yaml", "simsiam_embeds_denoised_no_masking");
        CliRun ok = run("simsiam_embeddings_from_centers_predict", "embeddings_centers.yaml", "--filename", "1");
        assertEquals(0, ok.code(), ok.err());
        assertFalse(ok.err().contains("trained on masked patches"), ok.err());
        assertEquals(1, ok.err().lines().filter(l -> l.startsWith("warning")).count(), ok.err());
        assertTrue(ok.err().contains("differs from the patch size [32, 32, 32]"), ok.err());
        assertEquals(2, records(step.actual("embeds_centers/cryosiam_run.json")).size());
    }

    @Test
    void aMaskingTypeThatDoesNotFitTheModelIsAWarning() throws IOException {
        step.before("simsiam_embeddings_predict configs/embeddings.yaml");
        cacheAs("embeddings.ckpt", "simsiam_embeds_denoised_no_masking");
        setModel("embeddings.yaml", "simsiam_embeds_denoised_no_masking"); // the config says masking_type: 1
        CliRun c = run("simsiam_embeddings_predict", "embeddings.yaml", "--filename", "1");
        assertEquals(0, c.code(), c.err());
        assertTrue(c.err().contains("warning: masking_type is 1 but simsiam_embeds_denoised_no_masking was trained "
                + "with masking_type 0; use simsiam_embeds_denoised_convex_hull for masking_type 1 or set "
                + "masking_type: 0."), c.err());
    }

    @Test
    void commandsWithoutAModelAreRecordedToo() throws IOException {
        step.before("simsiam_embeddings_kmeans_clustering configs/embeddings.yaml");
        CliRun c = run("simsiam_embeddings_kmeans_clustering", "embeddings.yaml");
        assertEquals(0, c.code(), c.err());
        List<Map<String, Object>> runs = records(step.actual("embeds/cryosiam_run.json"));
        Map<String, Object> r = runs.get(runs.size() - 1);
        assertEquals("simsiam_embeddings_kmeans_clustering", r.get("command"));
        assertEquals(List.of(), r.get("models"));
        assertFalse(((List<?>) r.get("files_written")).isEmpty(), r.toString());
        assertNull(r.get("error"));
    }
}
