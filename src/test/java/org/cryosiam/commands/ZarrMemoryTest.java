package org.cryosiam.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.cryosiam.CliRun;
import org.cryosiam.Fixtures;
import org.cryosiam.Python;
import org.cryosiam.io.MrcReader;
import org.cryosiam.io.zarr.OmeZarr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OME-Zarr tomograms are bounded by what is streamed, not by what their metadata declare: a few bytes of
 * {@code .zarray} can declare 1200³ voxels (missing chunks are the fill value, which is legal), and the commands plan
 * and refuse from the declared shape before anything is allocated; a dense prediction streams a Zarr input row of
 * chunks by row of chunks into a Zarr output written the same way, with the values of the same tomogram as MRC.
 */
class ZarrMemoryTest {
    @TempDir
    Path dir;

    /** {@code data/big.zarr}: a bare float32 array declaring 1200³ in 64³ chunks, one of which is written. */
    private Path hugeSparseZarr() {
        Path data = dir.resolve("data");
        Python.run("import sys, zarr, numpy as np\n"
                + "a = zarr.open(sys.argv[1], mode='w', shape=(1200, 1200, 1200), chunks=(64, 64, 64), dtype='f4')\n"
                + "a[:64, :64, :64] = np.random.default_rng(0).random((64, 64, 64), dtype='f4')\n",
                data.resolve("big.zarr"));
        return data;
    }

    private Path config(String name, String body) throws IOException {
        Path models = Fixtures.pipelineSmall().resolve("models");
        Path cfg = dir.resolve(name);
        Files.writeString(cfg, body.replace("MODELS", models.toString()).replace("DIR", dir.toString()));
        return cfg;
    }

    private static final String DENOISE = String.join("\n",
            "data_folder: DIR/data",
            "prediction_folder: DIR/out",
            "trained_model: MODELS/denoise.ckpt",
            "file_extension: .zarr",
            "save_raw_predictions: false",
            "scale_prediction: true",
            "parameters:",
            "  data: {patch_size: [32, 32, 32], min: 0, max: 1, mean: 0, std: 1}",
            "  network: {in_channels: 1, spatial_dims: 3}",
            "hyper_parameters: {batch_size: 3}", "");

    /**
     * Issue 28 item 5: the output used to gather the whole 1200³ volume (6.4 GB) before the plan ran, so the run
     * ended "out of Java memory"; the plan now comes first, from the metadata, and counts rows of chunks.
     */
    @Test
    void aHugeDeclaredZarrIsPlannedFromItsMetadataAndRefusedAtOnce() throws IOException {
        hugeSparseZarr();
        Path cfg = config("denoise.yaml", DENOISE);
        long t0 = System.nanoTime();
        CliRun r = CliRun.run("--max_memory", "1G", "denoise_predict", "--config_file", cfg.toString());
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(2, r.code(), r.err());
        String msg = r.err();
        assertTrue(msg.contains("big.zarr") && msg.contains("1200x1200x1200") && msg.contains("1.0 GB allowed"), msg);
        // the streamed estimate (rows of chunks in and out, planes, slabs) is far below the 6.4 GB volume
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("needs about ([0-9.]+) GB").matcher(msg);
        assertTrue(m.find() && Double.parseDouble(m.group(1)) < 3, msg);
        assertTrue(seconds < 60, seconds + " s: nothing was read before the refusal");
        assertTrue(Files.notExists(dir.resolve("out/big.zarr")));
    }

    /** A command that holds the tomogram whole refuses it up front, naming the file, its size and the budget. */
    @Test
    void aCommandThatHoldsTheWholeTomogramRefusesItUpFront() throws IOException {
        hugeSparseZarr();
        Files.writeString(dir.resolve("centers.csv"), "tomo,centroid-0,centroid-1,centroid-2\nbig,10,10,10\n");
        Path cfg = config("centers.yaml", String.join("\n",
                "data_folder: DIR/data",
                "centers_file: DIR/centers.csv",
                "centers_patch_size: 6",
                "prediction_folder: DIR/out",
                "trained_model: MODELS/embeddings.ckpt",
                "contrastive: true",
                "file_extension: .zarr",
                "parameters:",
                "  data: {patch_size: [16, 16, 16], min: 0, max: 1, mean: 0, std: 1}",
                "  network: {spatial_dims: 3, in_channels: 1, dim: 32}",
                "hyper_parameters: {batch_size: 4}", ""));
        CliRun r = CliRun.run("--max_memory", "2G", "simsiam_embeddings_from_centers_predict", "--config_file",
                cfg.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("big.zarr: the tomogram is declared as 1200x1200x1200 voxels")
                && r.err().contains("6.4 GB held whole") && r.err().contains("2.0 GB allowed"), r.err());
    }

    /**
     * A Zarr tomogram with missing chunks (the fill value, here 0.25) and chunks that do not divide its shape goes
     * through {@code denoise_predict} into a Zarr output with the values the same voxels give as MRC.
     */
    @Test
    void aSparseZarrStreamsToTheValuesOfTheSameTomogramAsMrc() throws IOException {
        Path zdata = dir.resolve("data");
        Path mdata = dir.resolve("mrcdata");
        Files.createDirectories(mdata);
        Python.run("import sys, zarr, numpy as np, mrcfile\n"
                + "rng = np.random.default_rng(1)\n"
                + "a = zarr.open(sys.argv[1], mode='w', shape=(37, 45, 40), chunks=(8, 16, 16), dtype='f4',"
                + " fill_value=0.25)\n"
                + "v = rng.random((37, 45, 40), dtype='f4')\n"
                + "a[:16] = v[:16]\n"
                + "a[24:, 16:] = v[24:, 16:]\n"
                + "with mrcfile.new(sys.argv[2], overwrite=True) as m:\n"
                + "    m.set_data(a[:])\n",
                zdata.resolve("T.zarr"), mdata.resolve("T.mrc"));
        Path zcfg = config("z.yaml", DENOISE.replace("DIR/out", "DIR/zout"));
        Path mcfg = config("m.yaml", DENOISE.replace("DIR/data", "DIR/mrcdata").replace("DIR/out", "DIR/mout")
                .replace(".zarr", ".mrc"));
        CliRun z = CliRun.run("denoise_predict", "--config_file", zcfg.toString());
        assertEquals(0, z.code(), z.err());
        CliRun m = CliRun.run("denoise_predict", "--config_file", mcfg.toString());
        assertEquals(0, m.code(), m.err());
        float[] fromZarr = OmeZarr.read(dir.resolve("zout/T.zarr")).data();
        float[] fromMrc = MrcReader.read(dir.resolve("mout/T.mrc")).data();
        assertEquals(37 * 45 * 40, fromZarr.length);
        for (int i = 0; i < fromMrc.length; i++) {
            assertEquals(fromMrc[i], fromZarr[i], 0f, "voxel " + i);
        }
        try (Stream<Path> s = Files.list(dir.resolve("zout"))) {
            List<String> names = s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList();
            assertEquals(List.of(), names, "no hidden folder left");
        }
    }
}
