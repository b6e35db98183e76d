package org.cryosiam.commands;

import java.util.Set;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Removes the options a command would offer but ignore, so that its {@code --help} tells the truth: {@code --device}
 * and {@code --precision} (inherited global options) on commands that run no network, {@code --max_memory} on those
 * that plan no dense prediction, {@code --filename}/{@code --array-task} on
 * config commands that do not process one input at a time, and {@code --overwrite} on those that skip nothing.
 */
public final class CliShape {
    /** The commands that run a network on the chosen device. */
    private static final Set<String> USE_DEVICE = Set.of("demo", "train_demo_models", "denoise_predict",
            "semantic_predict", "instance_predict", "simsiam_embeddings_predict",
            "simsiam_embeddings_from_centers_predict", "semantic_train", "benchmark");
    /**
     * The commands that weigh a tomogram against the memory budget ({@code --max_memory}): the dense predictions fit
     * their batch to it, the embedding commands refuse a tomogram they cannot hold whole.
     */
    private static final Set<String> PLAN_MEMORY = Set.of("demo", "denoise_predict", "semantic_predict",
            "instance_predict", "benchmark", "simsiam_embeddings_predict", "simsiam_embeddings_from_centers_predict");

    private CliShape() {
    }

    public static void prune(CommandLine root) {
        for (CommandLine sub : root.getSubcommands().values()) {
            CommandSpec spec = sub.getCommandSpec();
            if (!USE_DEVICE.contains(spec.name())) {
                remove(spec, "--device");
                remove(spec, "--precision");
            }
            if (!PLAN_MEMORY.contains(spec.name())) {
                remove(spec, "--max_memory");
            }
            if (sub.getCommand() instanceof ConfigCommand c && !c.takesFilename()) {
                remove(spec, "--filename");
                remove(spec, "--array-task");
            }
            if (sub.getCommand() instanceof ConfigCommand c && !c.skipsFinished()) {
                remove(spec, "--overwrite");
            }
        }
    }

    private static void remove(CommandSpec spec, String name) {
        OptionSpec o = spec.findOption(name);
        if (o != null) {
            spec.remove(o);
        }
    }
}
