package org.cryosiam.workflow;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.checkpoint.Checkpoint;
import org.cryosiam.checkpoint.ModelKind;
import org.cryosiam.config.Config;
import org.cryosiam.inference.Preprocessing;
import org.cryosiam.nn.Devices;
import org.cryosiam.nn.Network;
import org.cryosiam.nn.Networks;
import org.cryosiam.run.RunContext;
import org.cryosiam.zoo.ModelResolver;

import ai.djl.Device;

/**
 * The steps that {@link DenseModel#load} and {@link EmbeddingModel#load} share: the patch size, batch size and
 * intensity parameters of the prediction config, and the checkpoint's network built on the run's device, checked
 * (kind, {@link StrictLoad}) and made ready to predict (patch size, BatchNorm folding, precision, FLOP count).
 *
 * <p>The patch size has one rule for reading it: the YAML's {@code parameters.data.patch_size} when given, else the
 * checkpoint's training config's (which training config, and the name its messages use, is the caller's: an
 * embedding model trained with {@code contrastive: true} keeps it in {@code backbone_config}). Its check has two
 * rules, because the two kinds of model use the patch differently: a dense model tiles the tomogram with a sliding
 * window whose step is half a patch ({@link org.cryosiam.inference.AxisGrid}), so every size must be even; an
 * embedding model sees one box per particle fitted to the patch, so any positive size works.
 */
public final class ModelLoader {
    public static final String PATCH = "parameters.data.patch_size";

    private ModelLoader() {
    }

    /**
     * {@code parameters.data.patch_size} of {@code cfg} when given, else of {@code trainingConfig} (read only then);
     * three sizes (z, y, x).
     */
    public static int[] patchSize(Config cfg, Supplier<Config> trainingConfig) {
        List<Integer> p = cfg.has(PATCH) ? cfg.intList(PATCH) : trainingConfig.get().intList(PATCH);
        if (p.size() != 3) {
            throw new CryosiamUserException(cfg.source() + ": " + PATCH + " needs 3 sizes (z, y, x), found " + p + ".");
        }
        return new int[] {p.get(0), p.get(1), p.get(2)};
    }

    /** Checks a dense model's patch: three even positive sizes (the sliding window's step is half a patch). */
    public static void requireEvenPatch(Config cfg, int[] patch) {
        for (int p : patch) {
            if (p <= 0 || p % 2 != 0) {
                throw new CryosiamUserException(cfg.source() + ": patch_size " + Arrays.toString(patch)
                        + " must hold three even positive sizes.");
            }
        }
    }

    /** Checks an embedding model's patch: three positive sizes (one box per particle, no sliding window). */
    public static void requirePositivePatch(Config cfg, int[] patch) {
        for (int p : patch) {
            if (p <= 0) {
                throw new CryosiamUserException(cfg.source() + ": " + PATCH + " " + Arrays.toString(patch)
                        + " must hold three positive sizes.");
            }
        }
    }

    /**
     * Refuses a patch smaller than the network's downsampling ({@link Network#downsampling}) along any axis: its
     * deepest levels would be one voxel of mostly padding, and a tomogram would take a patch every voxel or two
     * (patch_size [2, 2, 2] ran for minutes on the fixtures' smallest tomogram, printing nothing).
     */
    static void requireDownsampledPatch(Config cfg, Network net, int[] patch) {
        int f = net.downsampling();
        List<String> small = new java.util.ArrayList<>();
        String[] axes = {"z", "y", "x"};
        for (int a = 0; a < 3; a++) {
            if (patch[a] < f) {
                small.add(axes[a]);
            }
        }
        if (!small.isEmpty()) {
            throw new CryosiamUserException(cfg.source() + ": " + PATCH + " " + Arrays.toString(patch)
                    + " is smaller than " + f + " along " + String.join(", ", small) + ", the downsampling of the "
                    + "model's deepest level (1/" + f + " of the patch); give at least " + f + " voxels per axis, "
                    + "best the patch size it was trained with.");
        }
    }

    /** {@code hyper_parameters.batch_size} (default 1), at least 1. */
    public static int batchSize(Config cfg) {
        int batch = cfg.integer("hyper_parameters.batch_size", 1);
        if (batch < 1) {
            throw new CryosiamUserException(cfg.source() + ": hyper_parameters.batch_size must be at least 1.");
        }
        return batch;
    }

    /** {@code parameters.data.min/max/mean/std}. */
    public static Preprocessing.Intensity intensity(Config cfg) {
        return new Preprocessing.Intensity(cfg.number("parameters.data.min"), cfg.number("parameters.data.max"),
                cfg.number("parameters.data.mean"), cfg.number("parameters.data.std"));
    }

    /**
     * The checkpoint's network on {@code device}, checked to be a model of kind {@code expected} (else the
     * one-sentence error naming the published models that fit {@code command}) and to use every tensor of the
     * checkpoint ({@link StrictLoad}); closed again when a check fails.
     *
     * @param contrastive for embedding models, the prediction config's {@code contrastive}
     */
    public static Network open(ModelResolver.Resolved model, Checkpoint ckpt, Device device, boolean contrastive,
            ModelKind expected, String command) {
        Network net = Networks.fromCheckpoint(ckpt, device, contrastive);
        try {
            if (net.kind() != expected) {
                throw new CryosiamUserException(ModelResolver.kindMismatch(model, net.kind(), expected, command));
            }
            StrictLoad.check(ckpt, net);
        } catch (RuntimeException e) {
            net.close();
            throw e;
        }
        return net;
    }

    /**
     * Makes a checked network ready to predict patches of {@code patch}: the decoder's check of the size, BatchNorms
     * folded, the run's precision and FLOP counter. The caller closes the network when this fails.
     */
    public static void prepare(RunContext ctx, Config cfg, Network net, int[] patch) {
        requireDownsampledPatch(cfg, net, patch);
        net.checkPatchSize(patch[0], patch[1], patch[2]);
        net.predictOnly();
        net.setPrecision(ctx.precision());
        if (ctx.flops() != null) {
            net.countFlops(ctx.flops());
        }
    }

    /** The start of the log line of a loaded model: {@code model FILE (KIND) on DEVICE}. */
    public static String describe(Path file, Network net, Device device) {
        return "model " + file.getFileName() + " (" + net.kind().description() + ") on " + Devices.name(device);
    }
}
