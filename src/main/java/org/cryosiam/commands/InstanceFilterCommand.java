package org.cryosiam.commands;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.config.Config;
import org.cryosiam.io.ElementType;
import org.cryosiam.io.Hdf5;
import org.cryosiam.io.InputFiles;
import org.cryosiam.io.MrcReader;
import org.cryosiam.io.NdData;
import picocli.CommandLine.Command;

/**
 * {@code cryosiam instance_filter}: keep the instances that touch a mask. {@code mask = expand_labels(isin(M,
 * filtering_mask_labels), filtering_mask_expand_voxels) > 0}, with {@code M} the {@code labels} of
 * {@code <filtering_mask_folder>/<stem>_preds.h5}, or the volume {@code <stem><filtering_mask_extension>} when that
 * extension is {@code .mrc}/{@code .rec}; every instance with a voxel in the mask is kept, the others are set to 0.
 * Writes {@code <prediction_folder>_filtered/<stem>_instance_preds.h5}.
 *
 * <p>(The reference expands a 0/1 mask and then looks the labels up in it, so any label other than 1 keeps
 * nothing; not copied.)
 */
@Command(name = "instance_filter", mixinStandardHelpOptions = true,
        description = "Keep the instances of instance_predict that touch the (expanded) voxels of chosen labels of a "
                + "semantic prediction or mask; writes to <prediction_folder>_filtered/.")
public final class InstanceFilterCommand extends ConfigCommand {
    @Override
    protected java.util.Map<String, Path> outputFolders(Config cfg) {
        return java.util.Map.of("prediction_folder + _filtered", Path.of(cfg.path("prediction_folder") + "_filtered"));
    }

    @Override
    protected void run(Config cfg) {
        Path predictions = cfg.path("prediction_folder");
        Path outFolder = Path.of(predictions.toString() + "_filtered");
        Path maskFolder = cfg.path("filtering_mask_folder");
        String ext = cfg.string("file_extension");
        String maskExt = cfg.string("filtering_mask_extension", "");
        boolean mrcMask = maskExt.equals(".mrc") || maskExt.equals(".rec");
        List<Double> labels = cfg.numberList("filtering_mask_labels");
        double expand = cfg.number("filtering_mask_expand_voxels", 0);
        for (String name : inputFiles(cfg, "data_folder")) {
            String stem = InputFiles.stem(name, ext);
            Path instFile = predictions.resolve(stem + "_instance_preds.h5");
            NdData inst = Hdf5.read(instFile, "instances");
            int[] shape = inst.shape();
            if (shape.length != 3) {
                throw new CryosiamUserException(instFile + ": 'instances' has shape " + Arrays.toString(shape)
                        + ", expected a 3-D volume.");
            }
            Path maskFile = mrcMask ? maskFolder.resolve(stem + maskExt) : maskFolder.resolve(stem + "_preds.h5");
            NdData m = mrcMask ? MrcReader.readData(maskFile).data() : Hdf5.read(maskFile, "labels");
            if (!Arrays.equals(m.shape(), shape)) {
                throw new CryosiamUserException(maskFile + ": mask of shape " + Arrays.toString(m.shape())
                        + ", the instances of " + instFile.getFileName() + " have " + Arrays.toString(shape) + ".");
            }
            int[] instances = inst.toIntArray();
            int[] kept = filter(instances, m.toDoubleArray(), labels, expand, shape);
            int before = distinct(instances), after = distinct(kept);
            Path out = outFolder.resolve(stem + "_instance_preds.h5");
            Hdf5.write(out, "instances", like(kept, inst, shape), Hdf5.Options.from(instFile), ctx.outputs());
            log.info(String.format("%s: kept %d of %d instances; wrote %s", name, after, before, out));
        }
    }

    /** The instances (ids ≥ 0) with a voxel in the expanded mask of {@code labels}; the others set to 0. */
    public static int[] filter(int[] instances, double[] maskVolume, List<Double> labels, double expand, int[] shape) {
        int n = instances.length;
        int[] selected = new int[n];
        for (int i = 0; i < n; i++) {
            selected[i] = labels.contains(maskVolume[i]) ? 1 : 0;
        }
        int[] expanded = org.cryosiam.ops.ExpandLabels.expand(selected, shape[0], shape[1], shape[2], expand);
        int max = 0;
        for (int v : instances) {
            if (v < 0) {
                throw new CryosiamUserException("negative instance id " + v + ": instance ids must be >= 0.");
            }
            max = Math.max(max, v);
        }
        boolean[] keep = new boolean[max + 1];
        for (int i = 0; i < n; i++) {
            if (expanded[i] > 0) {
                keep[instances[i]] = true;
            }
        }
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = keep[instances[i]] ? instances[i] : 0;
        }
        return out;
    }

    private static int distinct(int[] labels) {
        return (int) Arrays.stream(labels).filter(v -> v != 0).distinct().count();
    }

    /** The kept ids in the element type the instances were read with (int64 stays int64, else uint32). */
    private static NdData like(int[] kept, NdData inst, int[] shape) {
        if (inst.type() == ElementType.INT64) {
            return NdData.int64(Arrays.stream(kept).asLongStream().toArray(), shape);
        }
        return NdData.uint32(kept, shape);
    }
}
