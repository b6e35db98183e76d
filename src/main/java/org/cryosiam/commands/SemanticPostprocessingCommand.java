package org.cryosiam.commands;

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
import org.cryosiam.ops.ConnectedComponents;
import org.cryosiam.volume.Volume;
import org.cryosiam.workflow.ModelChecks;
import org.cryosiam.workflow.Words;
import picocli.CommandLine.Command;

/**
 * {@code cryosiam semantic_postprocessing}: removes small connected components per class from semantic predictions,
 * rewriting each {@code <stem>_preds.h5} (else {@code <stem>_preds.mrc}) in place, atomically.
 */
@Command(name = "semantic_postprocessing", mixinStandardHelpOptions = true,
        description = "Remove small connected components per class from semantic predictions (in place).")
public final class SemanticPostprocessingCommand extends ConfigCommand {
    /** More postprocessing_sizes than classes: the extra sizes apply to no class, which is likely a mistake. */
    private void warnSizesBeyondClasses(Config cfg, List<Integer> sizes) {
        int classes = -1;
        String from = "parameters.network.out_channels";
        if (cfg.get(from) instanceof Number n) {
            classes = n.intValue();
        } else if (cfg.has("trained_model")) {
            org.cryosiam.checkpoint.Checkpoint ckpt = org.cryosiam.checkpoint.Checkpoint.load(
                    org.cryosiam.zoo.ModelResolver.resolve(cfg, "trained_model", ctx.record()).file());
            classes = ModelChecks.modelClasses(ckpt);
            from = "the model " + ckpt.file().getFileName();
        }
        if (classes > 0 && sizes.size() > Math.max(classes, 2)) {
            log.warn(cfg.source() + ": parameters.network.postprocessing_sizes has " + sizes.size()
                    + " entries but " + from + " gives " + Words.count(classes, "class")
                    + "; the entries after the first " + Math.max(classes, 2) + " apply to no class.");
        }
    }

    @Override
    protected void run(Config cfg) {
        Path predictionFolder = cfg.path("prediction_folder");
        String ext = cfg.string("file_extension");
        List<Integer> sizes = cfg.intList("parameters.network.postprocessing_sizes");
        warnSizesBeyondClasses(cfg, sizes);
        for (String name : inputFiles(cfg, "data_folder")) {
            String stem = InputFiles.stem(name, ext);
            Path h5 = predictionFolder.resolve(stem + "_preds.h5");
            if (Files.isRegularFile(h5)) {
                NdData labels = Hdf5.read(h5, "labels");
                int[] s = labels.shape();
                if (s.length != 3) {
                    throw new CryosiamUserException(h5 + ": dataset 'labels' has " + s.length
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
                removeSmall(values, s[0], s[1], s[2], sizes);
                Hdf5.write(h5, "labels", fromInts(values, labels.type(), s), Hdf5.Options.from(h5), ctx.outputs());
                log.info("wrote " + h5);
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
            removeSmall(values, v.nz(), v.ny(), v.nx(), sizes);
            byte[] out = new byte[values.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = (byte) values[i];
            }
            MrcWriter.write(mrc, NdData.uint8(out, v.shape()), geometry, commandName(), ctx.outputs());
            log.info("wrote " + mrc);
        }
    }

    /**
     * For each class {@code i} with {@code sizes[i] != -1}, in class order: the voxels of class {@code i} in components
     * (26-connectivity) of at most {@code sizes[i]} voxels become 0.
     */
    public static void removeSmall(int[] labels, int nz, int ny, int nx, List<Integer> sizes) {
        for (int cls = 0; cls < sizes.size(); cls++) {
            int min = sizes.get(cls);
            if (min == -1) {
                continue;
            }
            byte[] mask = new byte[labels.length];
            boolean any = false;
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] == cls) {
                    mask[i] = 1;
                    any = true;
                }
            }
            if (!any) {
                continue;
            }
            int[] comp = ConnectedComponents.label(mask, nz, ny, nx, 26);
            long[] area = new long[ConnectedComponents.count(comp) + 1];
            for (int c : comp) {
                area[c]++;
            }
            for (int i = 0; i < labels.length; i++) {
                if (mask[i] != 0 && area[comp[i]] <= min) {
                    labels[i] = 0;
                }
            }
        }
    }

    /** Back to the dataset's own element type (the reference rewrites the array it read). */
    static NdData fromInts(int[] v, ElementType type, int[] shape) {
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
