package org.cryosiam.commands;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.cryosiam.checkpoint.Checkpoint;
import org.cryosiam.checkpoint.ModelKind;
import org.cryosiam.checkpoint.Tensor;
import org.cryosiam.checkpoint.TrainingConfig;
import org.cryosiam.config.Config;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cryosiam checkpoint_info}: what a .ckpt holds, read without Python. */
@Command(name = "checkpoint_info", mixinStandardHelpOptions = true,
        description = "Print a checkpoint's model kind, architecture, tensors and training metadata.")
public final class CheckpointInfoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--checkpoint", required = true, paramLabel = "FILE", description = "A CryoSiam .ckpt file.")
    Path checkpoint;

    @Option(names = "--tensors", description = "Also list every tensor with its dtype and shape.")
    boolean listTensors;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        print(Checkpoint.load(checkpoint), listTensors, out);
        out.flush();
        return 0;
    }

    /** What {@code checkpoint_info} prints about a loaded checkpoint (also used by {@code models info}). */
    public static void print(Checkpoint ckpt, boolean listTensors, PrintWriter out) {
        ModelKind kind = ModelKind.of(ckpt.stateDict().keySet());
        out.println("file:      " + ckpt.file());
        out.println("model:     " + kind.description() + (kind.command().isEmpty() ? "" : ", used by " + kind.command()));
        Map<String, Object> hp = ckpt.hyperParameters();
        Config backbone = backboneConfig(ckpt);
        if (!backbone.asMap().isEmpty()) {
            out.println("backbone:  " + describeBackbone(backbone.section("parameters.network")));
        }
        Config task = TrainingConfig.of(ckpt, TrainingConfig.CONFIG).config("config");
        if (hp.containsKey(TrainingConfig.BACKBONE) && task.has("parameters.network")) {
            Config net = task.section("parameters.network");
            StringBuilder s = new StringBuilder();
            for (String k : List.of("out_channels", "n_output_channels", "filters", "kernel_size", "dense_dim")) {
                if (net.has(k)) {
                    s.append(s.length() == 0 ? "" : ", ").append(k).append(' ').append(net.get(k));
                }
            }
            if (s.length() > 0) {
                out.println("head:      " + s);
            }
        }
        if (task.has("parameters.data.patch_size")) {
            out.println("patch:     " + task.get("parameters.data.patch_size"));
        }
        long bytes = 0;
        for (Tensor t : ckpt.stateDict().values()) {
            bytes += t.numel() * t.dtype().size();
        }
        out.printf("tensors:   %d (%.1f MB)%n", ckpt.stateDict().size(), bytes / 1e6);
        out.println("trained:   epoch " + ckpt.get("epoch") + ", global step " + ckpt.get("global_step")
                + ", Lightning " + ckpt.get("pytorch-lightning_version"));
        if (listTensors) {
            for (Map.Entry<String, Tensor> e : ckpt.stateDict().entrySet()) {
                out.println("  " + e.getKey() + "  " + e.getValue().dtype() + " "
                        + java.util.Arrays.toString(e.getValue().shape()));
            }
        }
    }

    /** The backbone's config: {@code backbone_config} when present, else {@code config} (a backbone-only model). */
    static Config backboneConfig(Checkpoint ckpt) {
        String key = ckpt.hyperParameters().containsKey(TrainingConfig.BACKBONE) ? TrainingConfig.BACKBONE
                : TrainingConfig.CONFIG;
        return TrainingConfig.of(ckpt, key).config("backbone_config");
    }

    private static String describeBackbone(Config net) {
        StringBuilder s = new StringBuilder();
        for (String k : List.of("block_type", "num_layers", "num_filters", "fpn_channels", "decoder_type",
                "dense_dim", "dim", "pred_dim", "no_max_pool", "include_levels_loss", "add_fpn_later_conv")) {
            if (net.has(k)) {
                s.append(s.length() == 0 ? "" : ", ").append(k).append(' ').append(net.get(k));
            }
        }
        return s.toString();
    }
}
