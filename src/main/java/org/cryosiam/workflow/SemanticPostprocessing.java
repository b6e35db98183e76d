package org.cryosiam.workflow;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.config.Config;
import org.cryosiam.io.ElementType;
import org.cryosiam.io.Hdf5;
import org.cryosiam.io.InputFiles;
import org.cryosiam.io.Geometry;
import org.cryosiam.io.MrcReader;
import org.cryosiam.io.MrcWriter;
import org.cryosiam.io.NdData;
import org.cryosiam.ops.SmallComponents;
import org.cryosiam.volume.Volume;

/**
 * {@code semantic_postprocessing}: removes small connected components per class from semantic predictions
 * ({@link SmallComponents}), rewriting each {@code <stem>_preds.h5} (else {@code <stem>_preds.mrc}) in place,
 * atomically.
 */
public final class SemanticPostprocessing {
    public static final String NAME = "semantic_postprocessing";
    public static final Step STEP = Step.of(NAME,
            (cfg, run) -> new SemanticPostprocessing(Settings.from(cfg), run).run());

    /**
     * What the step reads from its config.
     *
     * @param config the config itself, for the input list and the model's number of classes
     * @param sizes  per class, the largest component removed (-1: none)
     */
    public record Settings(Config config, Path predictionFolder, String ext, List<Integer> sizes) {
        public static Settings from(Config cfg) {
            return new Settings(cfg, cfg.path("prediction_folder"), cfg.string("file_extension"),
                    cfg.intList("parameters.network.postprocessing_sizes"));
        }
    }

    private final Settings settings;
    private final StepRun run;

    public SemanticPostprocessing(Settings settings, StepRun run) {
        this.settings = settings;
        this.run = run;
    }

    /** More postprocessing_sizes than classes: the extra sizes apply to no class, which is likely a mistake. */
    private void warnSizesBeyondClasses() {
        Config cfg = settings.config();
        List<Integer> sizes = settings.sizes();
        int classes = -1;
        String from = "parameters.network.out_channels";
        if (cfg.get(from) instanceof Number n) {
            classes = n.intValue();
        } else if (cfg.has("trained_model")) {
            org.cryosiam.checkpoint.Checkpoint ckpt = org.cryosiam.checkpoint.Checkpoint.load(
                    org.cryosiam.zoo.ModelResolver.resolve(cfg, "trained_model", run.context().record()).file());
            classes = ModelChecks.modelClasses(ckpt);
            from = "the model " + ckpt.file().getFileName();
        }
        if (classes > 0 && sizes.size() > Math.max(classes, 2)) {
            run.log().warn(cfg.source() + ": parameters.network.postprocessing_sizes has " + sizes.size()
                    + " entries but " + from + " gives " + Words.count(classes, "class")
                    + "; the entries after the first " + Math.max(classes, 2) + " apply to no class.");
        }
    }

    public void run() {
        Path predictionFolder = settings.predictionFolder();
        List<Integer> sizes = settings.sizes();
        warnSizesBeyondClasses();
        for (String name : run.inputFiles(settings.config(), "data_folder")) {
            String stem = InputFiles.stem(name, settings.ext());
            Path h5 = predictionFolder.resolve(stem + "_preds.h5");
            if (Files.isRegularFile(h5)) {
                NdData labels = Hdf5.read(h5, "labels");
                int[] shape = labels.shape();
                if (shape.length != 3) {
                    throw new CryosiamUserException(h5 + ": dataset 'labels' has " + shape.length
                            + " dimensions, expected a 3-D volume.");
                }
                if (labels.type().floating()) { // checked before any work: the file is rewritten in its own type
                    throw new CryosiamUserException(h5 + ": dataset 'labels' holds " + labels.type().numpyName()
                            + " values, not integer class labels.");
                }
                int[] values;
                try {
                    values = labels.toIntArray();
                } catch (ArithmeticException e) {
                    throw new CryosiamUserException(h5 + ": dataset 'labels' holds a value outside the int32 range, "
                            + "not a class label.");
                }
                SmallComponents.remove(values, shape[0], shape[1], shape[2], sizes);
                Hdf5.write(h5, "labels", fromInts(values, labels.type(), shape), Hdf5.Options.from(h5),
                        run.outputs());
                run.log().info("wrote " + h5);
                continue;
            }
            Path mrc = predictionFolder.resolve(stem + "_preds.mrc");
            if (!Files.isRegularFile(mrc)) {
                throw new CryosiamUserException(h5 + ": not found (nor " + mrc.getFileName()
                        + "); prediction_folder must hold the semantic predictions of every input.");
            }
            Geometry geometry = MrcReader.readHeader(mrc).geometry();
            Volume v = MrcReader.read(mrc);
            float[] d = v.data();
            int[] values = new int[d.length];
            for (int i = 0; i < d.length; i++) {
                values[i] = (int) d[i];
            }
            SmallComponents.remove(values, v.nz(), v.ny(), v.nx(), sizes);
            byte[] out = new byte[values.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = (byte) values[i];
            }
            MrcWriter.write(mrc, NdData.uint8(out, v.shape()), geometry, NAME, run.outputs());
            run.log().info("wrote " + mrc);
        }
    }

    /** Back to the dataset's own element type (the reference rewrites the array it read). */
    private static NdData fromInts(int[] v, ElementType type, int[] shape) {
        switch (type) {
            case UINT8:
            case INT8: {
                byte[] b = new byte[v.length];
                for (int i = 0; i < v.length; i++) {
                    b[i] = (byte) v[i];
                }
                return new NdData(type, shape, b);
            }
            case UINT16:
            case INT16: {
                short[] s = new short[v.length];
                for (int i = 0; i < v.length; i++) {
                    s[i] = (short) v[i];
                }
                return new NdData(type, shape, s);
            }
            case UINT32:
            case INT32:
                return new NdData(type, shape, v);
            case INT64: {
                long[] l = new long[v.length];
                for (int i = 0; i < v.length; i++) {
                    l[i] = v[i];
                }
                return new NdData(type, shape, l);
            }
            default:
                throw new CryosiamUserException("labels of type " + type.numpyName()
                        + " are not integer class labels.");
        }
    }
}
