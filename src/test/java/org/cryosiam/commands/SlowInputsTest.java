package org.cryosiam.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.cryosiam.CliRun;
import org.cryosiam.Fixtures;
import org.cryosiam.Python;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 28 item 7, inputs that were slow but silent: a patch below the network's downsampling is refused in one
 * sentence before any work; a tomogram thinner than the patch says why it takes as long as it does.
 */
class SlowInputsTest {
    @TempDir
    Path dir;

    private Path denoiseConfig(String patch) throws IOException {
        Path models = Fixtures.pipelineSmall().resolve("models");
        Path cfg = dir.resolve("denoise.yaml");
        Files.writeString(cfg, String.join("\n",
                "data_folder: " + dir.resolve("data"),
                "prediction_folder: " + dir.resolve("out"),
                "trained_model: " + models.resolve("denoise.ckpt"),
                "file_extension: .mrc",
                "parameters:",
                "  data: {patch_size: " + patch + ", min: 0, max: 1, mean: 0, std: 1}",
                "  network: {in_channels: 1, spatial_dims: 3}",
                "hyper_parameters: {batch_size: 4}", ""));
        return cfg;
    }

    private void tomogram(int nz, int ny, int nx) throws IOException {
        Files.createDirectories(dir.resolve("data"));
        Python.run("import sys, mrcfile, numpy as np\n"
                + "v = np.random.default_rng(0).random((int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])),"
                + " dtype='f4')\n"
                + "with mrcfile.new(sys.argv[1], overwrite=True) as m:\n"
                + "    m.set_data(v)\n", dir.resolve("data/T.mrc"), nz, ny, nx);
    }

    /** patch_size [2, 2, 2] on the fixtures' 4-level network (downsampling 8) ran for minutes; now refused. */
    @Test
    void aPatchBelowTheNetworksDownsamplingIsRefused() throws IOException {
        tomogram(20, 24, 24);
        Path cfg = denoiseConfig("[2, 2, 2]");
        CliRun r = CliRun.run("denoise_predict", "--config_file", cfg.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains(cfg + ": parameters.data.patch_size [2, 2, 2] is smaller than 8 along z, y, x")
                && r.err().contains("give at least 8 voxels per axis"), r.err());
        assertTrue(Files.notExists(dir.resolve("out/T.mrc")));

        Files.writeString(cfg, Files.readString(cfg).replace("[2, 2, 2]", "[32, 4, 32]"));
        CliRun one = CliRun.run("denoise_predict", "--config_file", cfg.toString());
        assertEquals(2, one.code(), one.err());
        assertTrue(one.err().contains("is smaller than 8 along y,"), one.err());
    }

    /** The smallest patch the network allows still runs. */
    @Test
    void aPatchOfTheDownsamplingRuns() throws IOException {
        tomogram(8, 16, 16);
        CliRun r = CliRun.run("denoise_predict", "--config_file", denoiseConfig("[8, 8, 8]").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.exists(dir.resolve("out/T.mrc")));
    }

    /**
     * A 1x1x320 volume takes 20 patches of 32³ (the reference pads each thin axis to a patch): 2048 times its voxels
     * go through the network. The run says so, and still gives the reference's tiling.
     */
    @Test
    void aTomogramThinnerThanThePatchSaysWhyItIsSlow() throws IOException {
        tomogram(1, 1, 320);
        CliRun r = CliRun.run("denoise_predict", "--config_file", denoiseConfig("[32, 32, 32]").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("T.mrc: 1x1x320 is thinner than the 32x32x32 patches along z and y")
                && r.err().contains("20 patches, 2048 times the tomogram's voxels"), r.err());
        CliRun normal = CliRun.run("denoise_predict", "--config_file", dir.resolve("denoise.yaml").toString(),
                "--overwrite");
        assertEquals(0, normal.code());
        tomogram(40, 40, 40);
        CliRun cube = CliRun.run("denoise_predict", "--config_file", dir.resolve("denoise.yaml").toString(),
                "--overwrite");
        assertEquals(0, cube.code(), cube.err());
        assertTrue(!cube.err().contains("thinner"), cube.err());
    }
}
