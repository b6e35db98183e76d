package org.cryosiam.workflow;

import java.nio.file.Path;
import java.util.Map;

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
import org.cryosiam.run.RunContext;
import org.cryosiam.zoo.ModelResolver;

import ai.djl.Device;

/**
 * What every dense command reads from its config and checkpoint: the network on the chosen device, the patch size,
 * the batch size and the intensity parameters.
 */
public final class DenseModel implements AutoCloseable {
    public final Network network;
    /** The checkpoint's file and hyper-parameters; its tensors are not kept once they are in the network. */
    public final Path checkpointFile;
    public final Map<String, Object> hyperParameters;
    public final int[] patchSize;
    public final int batchSize;
    public final Preprocessing.Intensity intensity;

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
    public static DenseModel load(RunContext ctx, Config cfg, ModelKind expected, String command) {
        Log log = ctx.log();
        ModelResolver.Resolved model = ModelResolver.resolve(cfg, "trained_model", ctx.record()); // a path or a zoo name
        Path file = model.file();
        Checkpoint ckpt = Checkpoint.load(file);
        int[] patch = ModelLoader.patchSize(cfg, () -> TrainingConfig.of(ckpt, TrainingConfig.CONFIG).config());
        ModelChecks.warnPatchSize(log, cfg, ckpt, patch, "config");
        ModelLoader.requireEvenPatch(cfg, patch);
        int batch = ModelLoader.batchSize(cfg);
        Preprocessing.Intensity intensity = ModelLoader.intensity(cfg);
        Device device = Devices.chosen(ctx.device());
        // contrastive: true as Networks.fromCheckpoint's default (only an embedding model, refused here, reads it)
        Network net = ModelLoader.open(model, ckpt, device, true, expected, command);
        try {
            ModelLoader.prepare(ctx, cfg, net, patch);
        } catch (RuntimeException e) {
            net.close();
            throw e;
        }
        ModelResolver.accepted(model, net.kind(), Devices.name(device), ctx.record());
        log.info(ModelLoader.describe(file, net, device) + ", " + net.precision().description() + ", patch "
                + patch[0] + "x" + patch[1] + "x" + patch[2] + ", batch " + batch);
        return new DenseModel(net, ckpt, patch, batch, intensity);
    }

    /**
     * The batch for streaming the tomogram {@code file} of {@code shape} within {@code --max_memory} (default: the
     * job's limit, else half of the machine's memory, see {@link MachineMemory}); said in the log when a budget was
     * given or the batch had to be lowered. Called before the tomogram is read, so that a tomogram that cannot fit
     * is refused at once, naming it.
     *
     * @param keptChannels channels the sliding window stitches
     * @param keptBytes    maps the command keeps whole for its post-processing
     * @param fileBytes    what the tomogram's reader and the output writers hold besides planes and slabs
     */
    public int batchFor(RunContext ctx, NetworkPredictor predictor, Path file, int[] shape, int keptChannels,
            long keptBytes, long fileBytes) {
        warnThin(ctx.log(), file, shape, patchSize);
        MachineMemory.Budget budget = MachineMemory.budget(ctx.maxMemory());
        MemoryPlan plan = predictor.plan(shape, patchSize, batchSize, keptChannels, keptBytes, fileBytes,
                budget.bytes(), file, budget.origin());
        if (ctx.maxMemory() != null || plan.batchSize() < batchSize) {
            ctx.log().info(plan.describe(budget.bytes(), budget.origin(), batchSize));
        }
        return plan.batchSize();
    }

    /**
     * Says when a tomogram thinner than the patch makes the network see mostly padding: the reference's grid
     * (spec/inference.md, "Tiling") pads each thin axis to a whole patch, so a 1x1x40000 volume with 32³ patches runs
     * 2500 patches, 2048 times its voxels, where a tomogram larger than the patch runs about 8 times its voxels. The
     * patch is not shrunk (that would change the output); the line explains the time.
     */
    static void warnThin(Log log, Path file, int[] shape, int[] patch) {
        long voxels = (long) shape[0] * shape[1] * shape[2];
        org.cryosiam.inference.GridTiler grid = new org.cryosiam.inference.GridTiler(shape, patch);
        double ratio = (double) grid.patchCount() * grid.patchVoxels() / voxels;
        if (ratio <= 64) {
            return;
        }
        java.util.List<String> thin = new java.util.ArrayList<>();
        String[] axes = {"z", "y", "x"};
        for (int a = 0; a < 3; a++) {
            if (shape[a] < patch[a]) {
                thin.add(axes[a]);
            }
        }
        if (thin.isEmpty()) {
            return;
        }
        log.warn(file.getFileName() + ": " + shape[0] + "x" + shape[1] + "x" + shape[2] + " is thinner than the "
                + patch[0] + "x" + patch[1] + "x" + patch[2] + " patches along " + String.join(" and ", thin)
                + ", which are padded as in the reference: " + grid.patchCount() + " patches, " + Math.round(ratio)
                + " times the tomogram's voxels (about 8 for a tomogram larger than a patch); a smaller patch_size "
                + "along " + String.join(" and ", thin) + " runs faster but changes the output.");
    }

    @Override
    public void close() {
        network.close();
    }
}
