package org.cryosiam.workflow;

import java.nio.file.Path;
import java.util.function.IntFunction;

import org.cryosiam.checkpoint.Checkpoint;
import org.cryosiam.checkpoint.ModelKind;
import org.cryosiam.checkpoint.TrainingConfig;
import org.cryosiam.config.Config;
import org.cryosiam.inference.Preprocessing;
import org.cryosiam.inference.SubtomogramEmbedder;
import org.cryosiam.inference.SubtomogramPatches;
import org.cryosiam.log.Progress;
import org.cryosiam.log.Log;
import org.cryosiam.nn.Devices;
import org.cryosiam.nn.Network;
import org.cryosiam.run.RunContext;
import org.cryosiam.zoo.ModelResolver;

import ai.djl.Device;

/**
 * What the two embedding commands read from their config and checkpoint: the SimSiam network (its config is
 * {@code backbone_config} when {@code contrastive: true}, spec/checkpoints.md), the patch size, the batch size, the
 * intensity parameters, and an embedder over them.
 */
public final class EmbeddingModel implements AutoCloseable {
    public final Network network;
    public final int[] patchSize;
    public final Preprocessing.Intensity intensity;
    public final SubtomogramEmbedder embedder;

    private EmbeddingModel(Network network, int[] patchSize, Preprocessing.Intensity intensity,
            SubtomogramEmbedder embedder) {
        this.network = network;
        this.patchSize = patchSize;
        this.intensity = intensity;
        this.embedder = embedder;
    }

    public static EmbeddingModel load(RunContext ctx, Config cfg, String command) {
        Log log = ctx.log();
        boolean contrastive = cfg.bool("contrastive", false);
        ModelResolver.Resolved model = cfg.has("trained_model") ? ModelResolver.resolve(cfg, "trained_model", ctx.record())
                : ModelResolver.of(cfg.path("log_dir").resolve("model").resolve("last.ckpt"), "trained_model",
                        ctx.record());
        Path file = model.file();
        Checkpoint ckpt = Checkpoint.load(file);
        Device device = Devices.chosen(ctx.device());
        Network net = ModelLoader.open(model, ckpt, device, contrastive, ModelKind.EMBEDDING, command);
        try {
            ModelResolver.accepted(model, net.kind(), Devices.name(device), ctx.record());
            String warning = ModelResolver.embeddingWarning(model, command, cfg.integer("masking_type", 0));
            if (warning != null) {
                log.warn(warning);
            }
            // the checkpoint's training config: backbone_config first for a SimSiam trained with contrastive: true
            int[] patch = ModelLoader.patchSize(cfg, () -> (contrastive
                    ? TrainingConfig.first(ckpt, TrainingConfig.BACKBONE, TrainingConfig.CONFIG)
                    : TrainingConfig.of(ckpt, TrainingConfig.CONFIG)).config(ckpt.file() + " (hyper_parameters)"));
            ModelLoader.requirePositivePatch(cfg, patch);
            if (contrastive) {
                ModelChecks.warnPatchSize(log, cfg, ckpt, patch, TrainingConfig.BACKBONE, TrainingConfig.CONFIG);
            } else {
                ModelChecks.warnPatchSize(log, cfg, ckpt, patch, TrainingConfig.CONFIG);
            }
            ModelLoader.prepare(ctx, cfg, net, patch);
            int batch = ModelLoader.batchSize(cfg);
            Preprocessing.Intensity intensity = ModelLoader.intensity(cfg);
            SubtomogramEmbedder embedder = new SubtomogramEmbedder(net, patch, batch, contrastive);
            if (cfg.get("parameters.network.dim") instanceof Number d && d.intValue() != embedder.dim()) {
                log.warn(cfg.source() + ": parameters.network.dim is " + d + " but the model " + file.getFileName()
                        + " gives embeddings of " + embedder.dim() + " values; the model's are written.");
            }
            log.info(ModelLoader.describe(file, net, device) + ", patch " + patch[0] + "x" + patch[1] + "x" + patch[2]
                    + ", batch " + batch + ", embedding "
                    + (contrastive ? "normalised predictor output" : "encoder output") + " (" + embedder.dim() + ")");
            return new EmbeddingModel(net, patch, intensity, embedder);
        } catch (RuntimeException e) {
            net.close();
            throw e;
        }
    }

    /**
     * Embeds {@code n} boxes ({@link SubtomogramEmbedder#embed}) with a progress display of "particles of
     * {@code what}", told as each box is cut: the display's safe point, where SIGINT or SIGTERM stop the run, falls
     * between batches (or while a batch is cut), never inside the network.
     */
    public double[][] embed(Progress.Factory progress, String what, int n,
                            IntFunction<SubtomogramPatches.Box> boxes) {
        try (Progress p = progress.items("particles of " + what, n)) {
            double[][] out = embedder.embed(n, k -> {
                p.update(k);
                return boxes.apply(k);
            });
            p.update(n);
            p.finish();
            return out;
        }
    }

    @Override
    public void close() {
        embedder.close();
        network.close();
    }
}
