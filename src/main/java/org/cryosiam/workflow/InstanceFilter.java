package org.cryosiam.workflow;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.config.Config;
import org.cryosiam.io.ElementType;
import org.cryosiam.io.Hdf5;
import org.cryosiam.io.InputFiles;
import org.cryosiam.io.MrcReader;
import org.cryosiam.io.NdData;
import org.cryosiam.ops.TouchingInstances;

/**
 * {@code instance_filter}: keep the instances that touch a mask. {@code mask = expand_labels(isin(M,
 * filtering_mask_labels), filtering_mask_expand_voxels) > 0}, with {@code M} the {@code labels} of
 * {@code <filtering_mask_folder>/<stem>_preds.h5}, or the volume {@code <stem><filtering_mask_extension>} when that
 * extension is {@code .mrc}/{@code .rec}; every instance with a voxel in the mask is kept, the others are set to 0
 * ({@link TouchingInstances}). Writes {@code <prediction_folder>_filtered/<stem>_instance_preds.h5}.
 *
 * <p>(The reference expands a 0/1 mask and then looks the labels up in it, so any label other than 1 keeps
 * nothing; not copied.)
 */
public final class InstanceFilter {
    public static final String NAME = "instance_filter";
    public static final Step STEP = Step.of(NAME, (cfg, run) -> new InstanceFilter(Settings.from(cfg), run).run())
            .writing(cfg -> Map.of("prediction_folder + _filtered", filtered(cfg.path("prediction_folder"))));

    /**
     * What the step reads from its config.
     *
     * @param config  the config itself, for the input list
     * @param maskExt {@code filtering_mask_extension}, or empty: the masks are {@code <stem>_preds.h5}
     */
    public record Settings(Config config, Path predictions, Path maskFolder, String ext, String maskExt,
                           List<Double> labels, double expand) {
        public static Settings from(Config cfg) {
            return new Settings(cfg, cfg.path("prediction_folder"), cfg.path("filtering_mask_folder"),
                    cfg.string("file_extension"), cfg.string("filtering_mask_extension", ""),
                    cfg.numberList("filtering_mask_labels"), cfg.number("filtering_mask_expand_voxels", 0));
        }

        boolean mrcMask() {
            return maskExt.equals(".mrc") || maskExt.equals(".rec");
        }
    }

    private final Settings settings;
    private final StepRun run;

    public InstanceFilter(Settings settings, StepRun run) {
        this.settings = settings;
        this.run = run;
    }

    /** Where the filtered instances go: {@code <prediction_folder>_filtered}. */
    private static Path filtered(Path predictions) {
        return Path.of(predictions + "_filtered");
    }

    public void run() {
        Path outFolder = filtered(settings.predictions());
        for (String name : run.inputFiles(settings.config(), "data_folder")) {
            String stem = InputFiles.stem(name, settings.ext());
            Path instFile = settings.predictions().resolve(stem + "_instance_preds.h5");
            NdData inst = Hdf5.read(instFile, "instances");
            int[] shape = inst.shape();
            if (shape.length != 3) {
                throw new CryosiamUserException(instFile + ": 'instances' has shape " + Arrays.toString(shape)
                        + ", expected a 3-D volume.");
            }
            Path maskFile = maskFile(stem);
            NdData m = settings.mrcMask() ? MrcReader.readData(maskFile).data() : Hdf5.read(maskFile, "labels");
            if (!Arrays.equals(m.shape(), shape)) {
                throw new CryosiamUserException(maskFile + ": mask of shape " + Arrays.toString(m.shape())
                        + ", the instances of " + instFile.getFileName() + " have " + Arrays.toString(shape) + ".");
            }
            int[] instances = inst.toIntArray();
            int[] kept = TouchingInstances.keep(instances, m.toDoubleArray(), settings.labels(), settings.expand(),
                    shape);
            int before = distinct(instances), after = distinct(kept);
            Path out = outFolder.resolve(stem + "_instance_preds.h5");
            Hdf5.write(out, "instances", like(kept, inst, shape), Hdf5.Options.from(instFile), run.outputs());
            run.log().info(String.format("%s: kept %d of %d instances; wrote %s", name, after, before, out));
        }
    }

    /**
     * The mask of {@code stem}: {@code <stem><filtering_mask_extension>} for an MRC extension, else
     * {@code <stem>_preds.h5}. When it is missing but the other kind is there, the message says which setting reads
     * it (the Python docs set {@code filtering_mask_extension: '.mrc'} while {@code semantic_predict} writes .h5).
     */
    private Path maskFile(String stem) {
        Path mrc = settings.maskFolder().resolve(stem + settings.maskExt());
        Path h5 = settings.maskFolder().resolve(stem + "_preds.h5");
        Path file = settings.mrcMask() ? mrc : h5;
        if (!Files.exists(file)) {
            String hint = "";
            if (settings.mrcMask() && Files.exists(h5)) {
                hint = "; the folder holds " + h5.getFileName() + " (semantic_predict writes its labels as .h5): "
                        + "remove filtering_mask_extension to read it";
            } else if (!settings.mrcMask()) {
                for (String ext : new String[] {".mrc", ".rec"}) {
                    if (Files.exists(settings.maskFolder().resolve(stem + ext))) {
                        hint = "; the folder holds " + stem + ext + ": set filtering_mask_extension: '" + ext
                                + "' to read it";
                        break;
                    }
                }
            }
            throw new CryosiamUserException(file + ": mask not found (filtering_mask_folder" + (settings.mrcMask()
                    ? ", filtering_mask_extension" : "") + ")" + hint + ".");
        }
        return file;
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
