package org.cryosiam.commands;

import java.nio.file.Path;
import java.util.List;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.checkpoint.Checkpoint;
import org.cryosiam.checkpoint.ModelKind;
import org.cryosiam.checkpoint.TrainingConfig;
import org.cryosiam.config.Config;
import org.cryosiam.inference.Preprocessing;
import org.cryosiam.inference.SubtomogramEmbedder;
import org.cryosiam.log.Log;
import org.cryosiam.nn.Devices;
import org.cryosiam.nn.Network;
import org.cryosiam.nn.Networks;
import org.cryosiam.run.RunContext;
import org.cryosiam.zoo.ModelResolver;

import ai.djl.Device;

/**
 * What the two embedding commands read from their config and checkpoint: the SimSiam network (its config is
 * {@code backbone_config} when {@code contrastive: true}, spec/checkpoints.md), the patch size, the batch size, the
 * intensity parameters, and an embedder over them.
 */
final class EmbeddingModel implements AutoCloseable {
    final Network network;
    final int[] patchSize;
    final Preprocessing.Intensity intensity;
    final SubtomogramEmbedder embedder;

    private EmbeddingModel(Network network, int[] patchSize, Preprocessing.Intensity intensity,
            SubtomogramEmbedder embedder) {
        this.network = network;
        this.patchSize = patchSize;
        this.intensity = intensity;
        this.embedder = embedder;
    }

    static EmbeddingModel load(RunContext ctx, Config cfg, String command) {
        Log log = ctx.log();
        boolean contrastive = cfg.bool("contrastive", false);
        ModelResolver.Resolved model = cfg.has("trained_model") ? ModelResolver.resolve(cfg, "trained_model", ctx.record())
                : ModelResolver.of(cfg.path("log_dir").resolve("model").resolve("last.ckpt"), "trained_model",
                        ctx.record());
        Path file = model.file();
        Checkpoint ckpt = Checkpoint.load(file);
        Device device = Devices.chosen(ctx.device());
        Network net = Networks.fromCheckpoint(ckpt, device, contrastive);
        try {
            if (net.kind() != ModelKind.EMBEDDING) {
                throw new CryosiamUserException(ModelResolver.kindMismatch(model, net.kind(), ModelKind.EMBEDDING,
                        command));
            }
            StrictLoad.check(ckpt, net);
            ModelResolver.accepted(model, net.kind(), Devices.name(device), ctx.record());
            String warning = ModelResolver.embeddingWarning(model, command, cfg.integer("masking_type", 0));
            if (warning != null) {
                log.warn(warning);
            }
            int[] patch = patchSize(cfg, ckpt, contrastive);
            for (int p : patch) {
                if (p <= 0) {
                    throw new CryosiamUserException(cfg.source() + ": parameters.data.patch_size "
                            + java.util.Arrays.toString(patch) + " must hold three positive sizes.");
                }
            }
            net.checkPatchSize(patch[0], patch[1], patch[2]);
            net.predictOnly();
            net.setPrecision(ctx.precision());
            if (ctx.flops() != null) {
                net.countFlops(ctx.flops());
            }
            int batch = cfg.integer("hyper_parameters.batch_size", 1);
            if (batch < 1) {
                throw new CryosiamUserException(cfg.source() + ": hyper_parameters.batch_size must be at least 1.");
            }
            Preprocessing.Intensity intensity = new Preprocessing.Intensity(cfg.number("parameters.data.min"),
                    cfg.number("parameters.data.max"), cfg.number("parameters.data.mean"),
                    cfg.number("parameters.data.std"));
            SubtomogramEmbedder embedder = new SubtomogramEmbedder(net, patch, batch, contrastive);
            if (cfg.get("parameters.network.dim") instanceof Number d && d.intValue() != embedder.dim()) {
                log.warn(cfg.source() + ": parameters.network.dim is " + d + " but the model " + file.getFileName()
                        + " gives embeddings of " + embedder.dim() + " values; the model's are written.");
            }
            log.info("model " + file.getFileName() + " (" + net.kind().description() + ") on "
                    + Devices.name(device) + ", patch " + patch[0] + "x"
                    + patch[1] + "x" + patch[2] + ", batch " + batch + ", embedding "
                    + (contrastive ? "normalised predictor output" : "encoder output") + " (" + embedder.dim() + ")");
            return new EmbeddingModel(net, patch, intensity, embedder);
        } catch (RuntimeException e) {
            net.close();
            throw e;
        }
    }

    /** The YAML's {@code parameters.data.patch_size} when given, else the checkpoint's training config's. */
    private static int[] patchSize(Config cfg, Checkpoint ckpt, boolean contrastive) {
        String key = "parameters.data.patch_size";
        List<Integer> p;
        if (cfg.has(key)) {
            p = cfg.intList(key);
        } else {
            TrainingConfig c = contrastive ? TrainingConfig.first(ckpt, TrainingConfig.BACKBONE, TrainingConfig.CONFIG)
                    : TrainingConfig.of(ckpt, TrainingConfig.CONFIG);
            p = c.config(ckpt.file() + " (hyper_parameters)").intList(key);
        }
        if (p.size() != 3) {
            throw new CryosiamUserException(cfg.source() + ": " + key + " needs 3 sizes (z, y, x), found " + p + ".");
        }
        return new int[] {p.get(0), p.get(1), p.get(2)};
    }

    @Override
    public void close() {
        embedder.close();
        network.close();
    }
}
