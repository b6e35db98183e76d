package org.cryosiam.workflow;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.cryosiam.checkpoint.CheckpointWriter;
import org.cryosiam.checkpoint.Tensor;
import org.cryosiam.io.AtomicFile;
import org.cryosiam.io.MrcWriter;
import org.cryosiam.nn.Network;
import org.cryosiam.nn.Networks;
import org.cryosiam.train.TaskModel;
import org.cryosiam.train.Trainer;
import org.cryosiam.volume.Volume;

import ai.djl.Device;

/**
 * A denoising run as users make it, generated: a tomogram of random density, a denoising checkpoint of the published
 * models' width with random weights (bottleneck ResNet [3, 4, 6, 3] or as asked, filters 64…512, FPN 128, dense_dim
 * 64, CNN head 32/64), and the {@code denoise_predict} config that runs one on the other. Written into a folder so
 * the same case can also be run by another tool.
 */
public final class BenchmarkCase {
    public static final String CONFIG = "denoise.yaml";

    private BenchmarkCase() {
    }

    /** The backbone config of the published dense models, with the given block type and layer counts. */
    public static Map<String, Object> backboneConfig(String blockType, List<Integer> numLayers) {
        Map<String, Object> network = new LinkedHashMap<>();
        network.put("block_type", blockType);
        network.put("num_layers", numLayers);
        network.put("num_filters", List.of(64, 128, 256, 512));
        network.put("in_channels", 1);
        network.put("no_max_pool", true);
        network.put("spatial_dims", 3);
        network.put("fpn_channels", 128);
        network.put("dim", 512);
        network.put("pred_dim", 256);
        network.put("dense_dim", 64);
        network.put("dense_pred_dim", 32);
        return Map.of("parameters", Map.of("network", network));
    }

    /**
     * Writes {@code dir/model.ckpt}, {@code dir/tomograms/tomogram.mrc} ({@code size} = z, y, x) and
     * {@code dir/denoise.yaml} (outputs to {@code dir/denoised}); returns the config's path.
     */
    public static Path write(Path dir, String blockType, List<Integer> numLayers, int[] size, int patch, int batch) {
        Map<String, Object> backbone = backboneConfig(blockType, numLayers);
        Map<String, Object> heads = new LinkedHashMap<>();
        heads.put("parameters", Map.of(
                "data", Map.of("patch_size", List.of(patch, patch, patch)),
                "network", Map.of("dense_dim", 64, "filters", List.of(32, 64), "kernel_size", 3,
                        "n_output_channels", 1)));
        Map<String, Tensor> backboneTensors;
        try (Network random = Networks.randomBackbone(backbone, Device.cpu(), 42)) {
            backboneTensors = TaskModel.stateDict(random, Map.of());
        }
        Map<String, Tensor> sd = TaskModel.initialStateDict("benchmark model", backboneTensors, backbone, heads,
                Trainer.Task.DENOISE, 42);
        Path model = dir.resolve("model.ckpt");
        CheckpointWriter.write(model, CheckpointWriter.lightning(sd, TaskModel.hyperParameters(heads, backbone), 0, 0,
                List.of(), List.of(), Map.of()));

        Random r = new Random(7);
        float[] density = new float[Math.multiplyExact(Math.multiplyExact(size[0], size[1]), size[2])];
        for (int i = 0; i < density.length; i++) {
            density[i] = (float) r.nextGaussian();
        }
        MrcWriter.write(dir.resolve("tomograms/tomogram.mrc"),
                new Volume(density, size[0], size[1], size[2], new float[] {10f, 10f, 10f}));

        String yaml = String.format("""
                # denoise_predict on a generated tomogram with a random default-width model (cryosiam benchmark)
                data_folder: %s
                prediction_folder: %s
                trained_model: %s
                file_extension: .mrc
                save_raw_predictions: false
                scale_prediction: false
                parameters:
                  data:
                    patch_size: [%d, %d, %d]
                    min: 0
                    max: 1
                    mean: 0
                    std: 1
                  network:
                    in_channels: 1
                    spatial_dims: 3
                hyper_parameters:
                  batch_size: %d
                """, dir.resolve("tomograms").toAbsolutePath(), dir.resolve("denoised").toAbsolutePath(),
                model.toAbsolutePath(), patch, patch, patch, batch);
        Path config = dir.resolve(CONFIG);
        AtomicFile.write(config, tmp -> java.nio.file.Files.writeString(tmp, yaml));
        return config;
    }
}
