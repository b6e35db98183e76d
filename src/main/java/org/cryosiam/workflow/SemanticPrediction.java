package org.cryosiam.workflow;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.checkpoint.ModelKind;
import org.cryosiam.checkpoint.TrainingConfig;
import org.cryosiam.config.Config;
import org.cryosiam.inference.LamellaMask;
import org.cryosiam.inference.LamellaPostprocessing;
import org.cryosiam.inference.NetworkPredictor;
import org.cryosiam.inference.Preprocessing;
import org.cryosiam.inference.SlidingWindow;
import org.cryosiam.io.ElementType;
import org.cryosiam.io.Geometry;
import org.cryosiam.io.Hdf5;
import org.cryosiam.io.InputFiles;
import org.cryosiam.io.NdData;
import org.cryosiam.io.OutputSink;
import org.cryosiam.io.PlaneReader;
import org.cryosiam.io.Tomograms;
import org.cryosiam.log.Log;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Activation;

/**
 * {@code semantic_predict}: lamella, semantic classes or particle candidates with a semantic checkpoint.
 *
 * <p>Per patch, the network's {@code semantic} head becomes probabilities (sigmoid for one class, softmax otherwise)
 * and labels ({@code p > threshold}, or the arg-max of the probabilities with those below the threshold zeroed);
 * these per-patch maps are stitched like the reference does. Only the maps an output needs are stitched and held as
 * whole volumes: the labels alone when {@code save_internal_files} is false (plus the first probability channel for
 * the lamella post-processing), all {@code C} probability and distance channels otherwise.
 */
public final class SemanticPrediction {
    public static final String NAME = "semantic_predict";
    public static final Step STEP = Step.of(NAME,
            (cfg, run) -> new SemanticPrediction(Settings.from(cfg), run).run()).skippingFinished();

    /**
     * What the step reads from its config.
     *
     * @param config     the config itself, for the input list, the model and copick
     * @param maskFolder the lamella masks, or null
     */
    public record Settings(Config config, Path dataFolder, Path outFolder, String ext, Path maskFolder,
                           double threshold, boolean post, boolean post3d, boolean internal, boolean asMrc,
                           boolean float16) {
        public static Settings from(Config cfg) {
            Path dataFolder = cfg.path("data_folder");
            Path outFolder = cfg.path("prediction_folder");
            String ext = cfg.string("file_extension");
            String maskKey = cfg.string("mask_folder", null);
            Path maskFolder = maskKey == null || maskKey.isEmpty() ? null : cfg.path("mask_folder");
            return new Settings(cfg, dataFolder, outFolder, ext, maskFolder,
                    cfg.number("parameters.network.threshold"), cfg.bool("parameters.network.postprocessing", false),
                    cfg.bool("parameters.network.3d_postprocessing", false), cfg.bool("save_internal_files", false),
                    cfg.bool("save_original_file_extension", false), cfg.bool("save_float16", false));
        }
    }

    private final Settings settings;
    private final StepRun run;

    public SemanticPrediction(Settings settings, StepRun run) {
        this.settings = settings;
        this.run = run;
    }

    public void run() {
        Config cfg = settings.config();
        String ext = settings.ext();
        List<String> all = run.inputFiles(cfg, "data_folder");
        StepRun.refuseOverwritingInputs(settings.dataFolder(), all, ext, settings.outFolder(), ext, "_preds.h5");
        run.noteModel(cfg);
        List<String> files = run.unfinished(all, ext, name -> List.of(settings.outFolder().resolve(
                InputFiles.stem(name, ext) + (settings.asMrc() && !settings.internal() ? ext : "_preds.h5"))));
        if (files.isEmpty()) {
            return;
        }
        if (settings.maskFolder() != null) { // fail before hours of prediction, not after
            for (String name : files) {
                LamellaMask.require(settings.maskFolder(), InputFiles.stem(name, ext));
            }
        }

        try (DenseModel model = DenseModel.load(run.context(), cfg, ModelKind.SEMANTIC, NAME)) {
            int classes = classes(model);
            if (cfg.get("parameters.network.out_channels") instanceof Number n) {
                ModelChecks.warnClasses(run.log(), cfg, n.intValue(), classes,
                        model.checkpointFile.getFileName().toString(),
                        "the model's number is used");
            }
            if (settings.post() && classes > 1) {
                run.log().warn(cfg.source() + ": parameters.network.postprocessing: true is the lamella model's "
                        + "post-processing: the labels become the convex hulls of the largest component of class 0's "
                        + "probability (for this " + classes + "-class model, the background), so every voxel inside "
                        + "them is 1 and the classes are lost. The Python tool does the same with this config; for a "
                        + "multi-class model set postprocessing: false and run semantic_postprocessing, which removes "
                        + "small components per class (postprocessing_sizes).");
            }
            boolean hasDistance = model.network.outputNames().contains("distance");
            Layout layout = new Layout(classes, settings.internal(), settings.post() && !settings.internal(),
                    settings.internal() && hasDistance);
            float t = (float) settings.threshold();
            try (NetworkPredictor predictor = new NetworkPredictor(model.network, layout.channels,
                    out -> maps(out, layout, t))) {
                boolean copick = Copick.of(cfg) != null;
                run.forEachInput(files, name -> predict(model, predictor, layout, settings.dataFolder().resolve(name),
                        InputFiles.stem(name, ext), copick));
            }
        }
    }

    /** One tomogram: streamed through the network into its output files, then the lamella hulls when asked. */
    private void predict(DenseModel model, NetworkPredictor predictor, Layout layout, Path input, String stem,
            boolean copick) {
        Geometry geometry = Tomograms.geometry(input);
        // planned from the header before any voxel is read or any whole map allocated
        int[] shape = Tomograms.shape(input);
        long voxels = (long) shape[0] * shape[1] * shape[2];
        boolean keepLabels = settings.post() || copick;
        boolean mrcLabels = settings.asMrc() && !settings.internal();
        if (keepLabels || settings.maskFolder() != null) {
            Tomograms.requireOneArray(input, shape, "its labels or lamella mask");
        }
        long kept = (keepLabels ? voxels : 0) + (settings.post() ? 4 * voxels : 0)
                + (settings.maskFolder() != null ? voxels : 0);
        long files = Tomograms.readerBytes(input) + (mrcLabels ? Tomograms.outputBytes(settings.outFolder().resolve(
                stem + settings.ext()), shape, ElementType.UINT8) : 0);
        int batch = model.batchFor(run.context(), predictor, input, shape, layout.channels, kept, files);
        try (PlaneReader tomogram = Preprocessing.standard(Tomograms.planes(input), model.intensity)) {
            byte[] mask = settings.maskFolder() == null ? null : LamellaMask.load(settings.maskFolder(), stem, shape);
            try (Outputs out = new Outputs(settings.outFolder(), stem, settings.ext(), layout, shape, geometry,
                    settings.internal(), settings.asMrc(), settings.float16(), keepLabels, NAME,
                    run.outputs(), run.log())) {
                float[] probs0 = settings.post() ? new float[Math.toIntExact(out.voxels)] : null;
                SlidingWindow.run(tomogram, model.patchSize, batch, predictor, null,
                        SlidingWindow.progress(run.context().progress(), input.getFileName().toString(), shape,
                                model.patchSize),
                        (z0, z1, maps) -> {
                            long at = (long) z0 * out.plane;
                            if (mask != null) {
                                for (float[] m : maps) {
                                    LamellaMask.apply(m, mask, at);
                                }
                            }
                            if (probs0 != null) {
                                System.arraycopy(maps[layout.probs0()], 0, probs0, (int) at, maps[0].length);
                            }
                            out.slab(at, maps);
                        });
                byte[] labels = out.wholeLabels;
                if (settings.post()) {
                    byte[] cc = LamellaPostprocessing.largestComponent(probs0, shape[0], shape[1], shape[2],
                            settings.threshold());
                    if (settings.post3d()) {
                        labels = LamellaPostprocessing.hull3d(cc, shape[0], shape[1], shape[2]);
                    } else {
                        LamellaPostprocessing.sliceHulls(cc, labels, shape[0], shape[1], shape[2]);
                    }
                }
                out.finish(labels);
                // the lamella post-processing replaces the labels over the whole volume, mask or not
                String collapsed = collapse(stem, out.labelCounts, layout.classes, mask == null || settings.post()
                        ? -1 : LamellaMask.inside(mask), settings.post(), settings.threshold());
                if (collapsed != null) {
                    run.log().warn(collapsed);
                }
                if (copick) {
                    Copick.writeSegmentation(run.log(), settings.config(), stem, NdData.uint8(labels, shape),
                            geometry.voxelSize(), run.outputs());
                }
            }
        }
    }

    /**
     * The files of one tomogram, filled slab by slab: the labels (streamed, or kept whole when post-processing or
     * copick needs them first) and, with {@code save_internal_files}, the {@code C} probability and distance maps.
     */
    private static final class Outputs implements AutoCloseable {
        final int plane;
        final long voxels;
        /** The whole label map, when it is kept (else null). */
        final byte[] wholeLabels;
        /** Voxels per label value written so far. */
        final long[] labelCounts = new long[256];
        private final Layout layout;
        private final Path target;
        private final Hdf5.Stream h5; // the _preds.h5 file, or null
        private final Tomograms.Output volume; // the labels under the input's extension, or null
        private final Log log;

        Outputs(Path outFolder, String stem, String ext, Layout layout, int[] shape, Geometry geometry,
                boolean internal, boolean asMrc, boolean float16, boolean keepLabels, String command,
                OutputSink outputs, Log log) {
            this.log = log;
            this.layout = layout;
            this.plane = shape[1] * shape[2];
            this.voxels = (long) shape[0] * plane;
            this.wholeLabels = keepLabels ? new byte[Math.toIntExact(voxels)] : null;
            if (internal || !asMrc) {
                int c = layout.classes;
                target = outFolder.resolve(stem + "_preds.h5");
                Map<String, Hdf5.DatasetSpec> datasets = new LinkedHashMap<>();
                datasets.put("labels", new Hdf5.DatasetSpec(ElementType.UINT8, shape));
                if (internal) { // without a distance head the distances stay zeros
                    datasets.put("probs", new Hdf5.DatasetSpec(ElementType.FLOAT32, c, shape[0], shape[1], shape[2]));
                    datasets.put("distances",
                            new Hdf5.DatasetSpec(ElementType.FLOAT32, c, shape[0], shape[1], shape[2]));
                }
                h5 = Hdf5.stream(target, datasets, internal ? new Hdf5.Options(geometry, float16)
                        : Hdf5.Options.of(geometry), outputs);
                volume = null;
            } else {
                target = outFolder.resolve(stem + ext);
                h5 = null;
                volume = Tomograms.output(target, shape, ElementType.UINT8, geometry, command, false, outputs);
            }
        }

        /** One slab of the predictor's maps (labels, probabilities, distances), from voxel {@code at} on. */
        void slab(long at, float[][] maps) {
            byte[] labels = toBytes(maps[0]);
            if (wholeLabels != null) {
                System.arraycopy(labels, 0, wholeLabels, (int) at, labels.length);
            } else {
                writeLabels(at, labels);
            }
            if (layout.allProbs) {
                for (int k = 0; k < layout.classes; k++) {
                    h5.write("probs", k * voxels + at, NdData.float32(maps[layout.probs0() + k], labels.length));
                }
            }
            if (layout.distances) {
                for (int k = 0; k < layout.classes; k++) {
                    h5.write("distances", k * voxels + at,
                            NdData.float32(maps[layout.distances0() + k], labels.length));
                }
            }
        }

        private void writeLabels(long at, byte[] labels) {
            for (byte b : labels) {
                labelCounts[b & 0xff]++;
            }
            if (h5 != null) {
                h5.write("labels", at, NdData.uint8(labels, labels.length));
            } else {
                volume.append(NdData.uint8(labels, labels.length));
            }
        }

        /** Writes the kept label map (when kept) and completes the file. */
        void finish(byte[] labels) {
            if (wholeLabels != null) {
                writeLabels(0, labels);
            }
            if (h5 != null) {
                h5.finish();
            } else {
                volume.finish();
            }
            log.info("wrote " + target);
        }

        @Override
        public void close() {
            if (h5 != null) {
                h5.close();
            } else {
                volume.close();
            }
        }
    }

    /**
     * The channels the predictor returns per patch: 0 = labels, then the probabilities ({@code C}, or only the first
     * when just the lamella post-processing needs them), then the distances ({@code C}).
     */
    public record Layout(int classes, boolean allProbs, boolean firstProb, boolean distances, int channels) {
        Layout(int classes, boolean allProbs, boolean firstProb, boolean distances) {
            this(classes, allProbs, firstProb, distances,
                    1 + (allProbs ? classes : firstProb ? 1 : 0) + (distances ? classes : 0));
        }

        public int probs0() {
            return 1;
        }

        public int distances0() {
            return 1 + (allProbs ? classes : firstProb ? 1 : 0);
        }
    }

    /** Labels, probabilities and distances of one batch, {@code [B, channels, D, H, W]} float32. */
    static NDArray maps(Map<String, NDArray> out, Layout layout, float threshold) {
        NDArray raw = out.get("semantic");
        if (raw.getShape().get(1) != layout.classes) {
            throw new CryosiamUserException("the semantic head gives " + raw.getShape().get(1)
                    + " channels, the checkpoint's config says out_channels " + layout.classes + ".");
        }
        NDArray probs = layout.classes == 1 ? Activation.sigmoid(raw) : raw.softmax(1);
        NDArray labels;
        if (layout.classes == 1) {
            labels = probs.gt(threshold).toType(DataType.FLOAT32, false);
        } else {
            NDArray kept = probs.mul(probs.gte(threshold).toType(DataType.FLOAT32, false));
            labels = kept.argMax(1).expandDims(1).toType(DataType.FLOAT32, false);
        }
        NDList parts = new NDList(labels);
        if (layout.allProbs) {
            parts.add(probs);
        } else if (layout.firstProb) {
            parts.add(probs.get(":, 0:1"));
        }
        if (layout.distances) {
            NDArray d = out.get("distance");
            long dc = d.getShape().get(1);
            if (dc > layout.classes) {
                d = d.get(":, 0:" + layout.classes);
            } else if (dc < layout.classes) {
                // the reference copies channels [0, C) of the distance head into C zero maps
                long[] s = d.getShape().getShape().clone();
                s[1] = layout.classes - dc;
                d = d.concat(d.getManager().zeros(new ai.djl.ndarray.types.Shape(s), d.getDataType()), 1);
            }
            parts.add(d);
        }
        return parts.size() == 1 ? labels : NDArrays.concat(parts, 1);
    }

    /**
     * A warning when the labels of a tomogram collapse to one class: every voxel the same value, or, for a model of
     * two classes or more, a single non-zero class that covers at least half of the region predicted (the lamella
     * mask's {@code maskVoxels} voxels, -1: no mask, the whole volume). A segmentation that says so little is almost
     * always a wrong setting, not the sample; null when the labels are varied.
     *
     * @param counts voxels per label value
     */
    static String collapse(String stem, long[] counts, int classes, long maskVoxels, boolean post, double threshold) {
        long all = 0;
        int values = 0, nonzero = 0, only = -1, onlyNonzero = -1;
        for (int v = 0; v < counts.length; v++) {
            all += counts[v];
            if (counts[v] > 0) {
                values++;
                only = v;
                if (v > 0) {
                    nonzero++;
                    onlyNonzero = v;
                }
            }
        }
        long region = maskVoxels >= 0 ? maskVoxels : all;
        String what;
        if (values == 1) {
            what = "every voxel of the labels is class " + only;
        } else if (classes >= 2 && nonzero == 1 && region > 0 && 2 * counts[onlyNonzero] >= region) {
            what = String.format(java.util.Locale.ROOT, "the labels hold class %d only, over %.1f %% of the %s",
                    onlyNonzero, 100.0 * counts[onlyNonzero] / region, maskVoxels >= 0 ? "lamella mask" : "volume");
        } else {
            return null;
        }
        String why = post && classes > 1 ? "postprocessing: true made it so (see the warning above)"
                : "check threshold (" + threshold + ") and the intensity settings (parameters.data min, max, mean, "
                        + "std) against those the model was trained with";
        return stem + ": " + what + " (the model has " + Words.count(classes, "class") + "); " + why + ".";
    }

    /** C: {@code hyper_parameters.config.parameters.network.out_channels} of the checkpoint, as the reference reads it. */
    static int classes(DenseModel model) {
        TrainingConfig c = TrainingConfig.of(model.checkpointFile.toString(), model.hyperParameters,
                TrainingConfig.CONFIG);
        if (c.present()) {
            Config task = c.config();
            if (task.has("parameters.network.out_channels")) {
                int n = task.integer("parameters.network.out_channels");
                if (n >= 1) {
                    return n;
                }
            }
        }
        throw new CryosiamUserException(model.checkpointFile
                + ": hyper_parameters.config.parameters.network.out_channels (the number of classes) is missing.");
    }

    /** The stitched label channel as bytes (values 0..C−1, or 0/1; numpy's astype(uint8) of small ints). */
    private static byte[] toBytes(float[] labels) {
        byte[] out = new byte[labels.length];
        for (int i = 0; i < labels.length; i++) {
            out[i] = (byte) (int) labels[i];
        }
        return out;
    }
}
