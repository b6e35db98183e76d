package org.cryosiam.commands;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.checkpoint.Checkpoint;
import org.cryosiam.checkpoint.ModelKind;
import org.cryosiam.checkpoint.TrainingConfig;
import org.cryosiam.config.Config;
import org.cryosiam.inference.MemoryPlan;
import org.cryosiam.inference.NetworkPredictor;
import org.cryosiam.inference.Preprocessing;
import org.cryosiam.io.MachineMemory;
import org.cryosiam.log.Log;
import org.cryosiam.nn.Devices;
import org.cryosiam.nn.Network;
import org.cryosiam.nn.Networks;
import org.cryosiam.run.RunContext;
import org.cryosiam.zoo.ModelResolver;

import ai.djl.Device;

/**
 * What every dense command reads from its config and checkpoint: the network on the chosen device, the patch size,
 * the batch size and the intensity parameters.
 */
final class DenseModel implements AutoCloseable {
    final Network network;
    /** The checkpoint's file and hyper-parameters; its tensors are not kept once they are in the network. */
    final Path checkpointFile;
    final Map<String, Object> hyperParameters;
    final int[] patchSize;
    final int batchSize;
    final Preprocessing.Intensity intensity;

    private DenseModel(Network network, Checkpoint checkpoint, int[] patchSize, int batchSize,
            Preprocessing.Intensity intensity) {
        this.network = network;
        this.checkpointFile = checkpoint.file();
        this.hyperParameters = checkpoint.hyperParameters();
        this.patchSize = patchSize;
        this.batchSize = batchSize;
        this.intensity = intensity;
    }

    /**
     * Loads {@code trained_model} and checks it is a model of the expected kind. The config's values are read and
     * checked first, so a mistake there costs no network build.
     */
    static DenseModel load(RunContext ctx, Config cfg, ModelKind expected, String command) {
        Log log = ctx.log();
        ModelResolver.Resolved model = ModelResolver.resolve(cfg, "trained_model", ctx.record()); // a path or a zoo name
        Path file = model.file();
        Checkpoint ckpt = Checkpoint.load(file);
        int[] patch = patchSize(cfg, ckpt);
        ModelChecks.warnPatchSize(log, cfg, ckpt, patch, "config");
        for (int p : patch) {
            if (p <= 0 || p % 2 != 0) {
                throw new CryosiamUserException(cfg.source() + ": patch_size " + java.util.Arrays.toString(patch)
                        + " must hold three even positive sizes.");
            }
        }
        int batch = cfg.integer("hyper_parameters.batch_size", 1);
        if (batch < 1) {
            throw new CryosiamUserException(cfg.source() + ": hyper_parameters.batch_size must be at least 1.");
        }
        Preprocessing.Intensity intensity = new Preprocessing.Intensity(cfg.number("parameters.data.min"),
                cfg.number("parameters.data.max"), cfg.number("parameters.data.mean"), cfg.number("parameters.data.std"));
        Device device = Devices.chosen(ctx.device());
        Network net = Networks.fromCheckpoint(ckpt, device);
        try {
            if (net.kind() != expected) {
                throw new CryosiamUserException(ModelResolver.kindMismatch(model, net.kind(), expected, command));
            }
            StrictLoad.check(ckpt, net);
            net.checkPatchSize(patch[0], patch[1], patch[2]);
            net.predictOnly();
            net.setPrecision(ctx.precision());
            if (ctx.flops() != null) {
                net.countFlops(ctx.flops());
            }
        } catch (RuntimeException e) {
            net.close();
            throw e;
        }
        ModelResolver.accepted(model, net.kind(), Devices.name(device), ctx.record());
        log.info("model " + file.getFileName() + " (" + net.kind().description() + ") on "
                + Devices.name(device) + ", " + net.precision().description() + ", patch " + patch[0] + "x" + patch[1] + "x" + patch[2]
                + ", batch " + batch);
        return new DenseModel(net, ckpt, patch, batch, intensity);
    }

    /**
     * The batch for streaming a tomogram of {@code shape} within {@code --max_memory} (default: the machine's memory);
     * said in the log when a budget was given or the batch had to be lowered.
     *
     * @param keptChannels channels the sliding window stitches
     * @param keptBytes    maps the command keeps whole for its post-processing
     */
    int batchFor(RunContext ctx, NetworkPredictor predictor, int[] shape, int keptChannels, long keptBytes) {
        Long given = ctx.maxMemory();
        long budget = given != null ? given : MachineMemory.limit();
        MemoryPlan plan = predictor.plan(shape, patchSize, batchSize, keptChannels, keptBytes, budget);
        if (given != null || plan.batchSize() < batchSize) {
            ctx.log().info(plan.describe(budget, batchSize));
        }
        return plan.batchSize();
    }

    /**
     * The YAML's {@code parameters.data.patch_size} when given, else the checkpoint's. (The reference reads only the
     * checkpoint's value; a user who sets the documented key gets what they asked for here.)
     */
    private static int[] patchSize(Config cfg, Checkpoint ckpt) {
        List<Integer> p;
        String key = "parameters.data.patch_size";
        if (cfg.has(key)) {
            p = cfg.intList(key);
        } else {
            Config task = TrainingConfig.of(ckpt, TrainingConfig.CONFIG).config();
            p = task.intList(key);
        }
        if (p.size() != 3) {
            throw new CryosiamUserException(cfg.source() + ": " + key + " needs 3 sizes (z, y, x), found " + p + ".");
        }
        return new int[] {p.get(0), p.get(1), p.get(2)};
    }

    @Override
    public void close() {
        network.close();
    }
}
