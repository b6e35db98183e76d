package org.cryosiam.commands;

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
import org.cryosiam.io.Geometry;
import org.cryosiam.io.Hdf5;
import org.cryosiam.io.InputFiles;
import org.cryosiam.io.NdData;
import org.cryosiam.volume.Volume;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Activation;
import picocli.CommandLine.Command;

/**
 * {@code cryosiam semantic_predict}: lamella, semantic classes or particle candidates with a semantic checkpoint.
 *
 * <p>Per patch, the network's {@code semantic} head becomes probabilities (sigmoid for one class, softmax otherwise)
 * and labels ({@code p > threshold}, or the arg-max of the probabilities with those below the threshold zeroed);
 * these per-patch maps are stitched like the reference does. Only the maps an output needs are stitched and held as
 * whole volumes: the labels alone when {@code save_internal_files} is false (plus the first probability channel for
 * the lamella post-processing), all {@code C} probability and distance channels otherwise.
 */
@Command(name = "semantic_predict", mixinStandardHelpOptions = true,
        description = "Semantic segmentation (lamella, classes, particle candidates) with a CryoSiam semantic checkpoint.")
public final class SemanticPredictCommand extends ConfigCommand {
    @Override
    protected void run(Config cfg) {
        Path dataFolder = cfg.path("data_folder");
        Path outFolder = cfg.path("prediction_folder");
        String ext = cfg.string("file_extension");
        String maskKey = cfg.string("mask_folder", null);
        Path maskFolder = maskKey == null || maskKey.isEmpty() ? null : cfg.path("mask_folder");
        double threshold = cfg.number("parameters.network.threshold");
        boolean post = cfg.bool("parameters.network.postprocessing", false);
        boolean post3d = cfg.bool("parameters.network.3d_postprocessing", false);
        boolean internal = cfg.bool("save_internal_files", false);
        boolean asMrc = cfg.bool("save_original_file_extension", false);
        boolean float16 = cfg.bool("save_float16", false);
        List<String> all = inputFiles(cfg, "data_folder");
        refuseOverwritingInputs(dataFolder, all, ext, outFolder, ext, "_preds.h5");
        noteModel(cfg);
        List<String> files = unfinished(all, ext, name -> List.of(outFolder.resolve(InputFiles.stem(name, ext)
                + (asMrc && !internal ? ext : "_preds.h5"))));
        if (files.isEmpty()) {
            return;
        }
        if (maskFolder != null) { // fail before hours of prediction, not after
            for (String name : files) {
                LamellaMask.require(maskFolder, InputFiles.stem(name, ext));
            }
        }

        try (DenseModel model = DenseModel.load(cfg, ModelKind.SEMANTIC, "semantic_predict")) {
            int classes = classes(model);
            if (cfg.get("parameters.network.out_channels") instanceof Number n) {
                ModelChecks.warnClasses(cfg, n.intValue(), classes, model.checkpointFile.getFileName().toString(),
                        "the model's number is used");
            }
            boolean hasDistance = model.network.outputNames().contains("distance");
            Layout layout = new Layout(classes, internal, post && !internal, internal && hasDistance);
            float t = (float) threshold;
            try (NetworkPredictor predictor = new NetworkPredictor(model.network, layout.channels,
                    out -> maps(out, layout, t))) {
                forEachInput(files, name -> {
                    Geometry geometry = Tomograms.geometry(dataFolder.resolve(name));
                    Volume tomogram = Tomograms.read(dataFolder.resolve(name));
                    int[] shape = tomogram.shape();
                    Preprocessing.standard(tomogram, model.intensity);
                    Volume[] maps = SlidingWindow.run(tomogram, model.patchSize, model.batchSize, predictor, null,
                            SlidingWindow.progress(name, tomogram, model.patchSize));
                    tomogram = null; // the preprocessed input is no longer needed
                    String stem = InputFiles.stem(name, ext);
                    if (maskFolder != null) {
                        byte[] mask = LamellaMask.load(maskFolder, stem, shape);
                        for (Volume m : maps) {
                            LamellaMask.apply(m.data(), mask);
                        }
                    }
                    byte[] labels = toBytes(maps[0].data());
                    maps[0] = null;
                    if (post) {
                        float[] probs0 = maps[layout.probs0()].data();
                        byte[] cc = LamellaPostprocessing.largestComponent(probs0, shape[0], shape[1], shape[2],
                                threshold);
                        if (post3d) {
                            labels = LamellaPostprocessing.hull3d(cc, shape[0], shape[1], shape[2]);
                        } else {
                            LamellaPostprocessing.sliceHulls(cc, labels, shape[0], shape[1], shape[2]);
                        }
                    }
                    write(outFolder, stem, ext, maps, layout, labels, shape, geometry, internal, asMrc,
                            float16);
                    Copick.writeSegmentation(cfg, stem, NdData.uint8(labels, shape), geometry.voxelSize());
                });
            }
        }
    }

    @Override
    public boolean skipsFinished() {
        return true;
    }

    /**
     * The channels the predictor returns per patch: 0 = labels, then the probabilities ({@code C}, or only the first
     * when just the lamella post-processing needs them), then the distances ({@code C}).
     */
    record Layout(int classes, boolean allProbs, boolean firstProb, boolean distances, int channels) {
        Layout(int classes, boolean allProbs, boolean firstProb, boolean distances) {
            this(classes, allProbs, firstProb, distances,
                    1 + (allProbs ? classes : firstProb ? 1 : 0) + (distances ? classes : 0));
        }

        int probs0() {
            return 1;
        }

        int distances0() {
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

    private void write(Path outFolder, String stem, String ext, Volume[] maps, Layout layout, byte[] labels,
            int[] shape, Geometry geometry, boolean internal, boolean asMrc, boolean float16) {
        Path target;
        if (internal) {
            target = outFolder.resolve(stem + "_preds.h5");
            Map<String, NdData> data = new LinkedHashMap<>();
            data.put("labels", NdData.uint8(labels, shape));
            data.put("probs", stack(maps, layout.probs0(), layout.classes, shape));
            if (layout.distances) {
                data.put("distances", stack(maps, layout.distances0(), layout.classes, shape));
            } else {
                float[] dist = new float[layout.classes * labels.length]; // no distance head: zeros
                data.put("distances", NdData.float32(dist, layout.classes, shape[0], shape[1], shape[2]));
            }
            Hdf5.write(target, data, new Hdf5.Options(geometry, float16));
        } else if (asMrc) {
            target = outFolder.resolve(stem + ext);
            Tomograms.write(target, NdData.uint8(labels, shape), geometry, commandName(), false);
        } else {
            target = outFolder.resolve(stem + "_preds.h5");
            Hdf5.write(target, "labels", NdData.uint8(labels, shape), Hdf5.Options.of(geometry));
        }
        CommandLog.info("wrote " + target);
    }

    /** Channels {@code first .. first+count-1} as one {@code (C, Z, Y, X)} float32 array; frees the maps. */
    private static NdData stack(Volume[] maps, int first, int count, int[] shape) {
        int n = shape[0] * shape[1] * shape[2];
        float[] all = new float[Math.multiplyExact(count, n)];
        for (int c = 0; c < count; c++) {
            System.arraycopy(maps[first + c].data(), 0, all, c * n, n);
            maps[first + c] = null;
        }
        return NdData.float32(all, count, shape[0], shape[1], shape[2]);
    }
}
