package org.cryosiam.commands;

import java.nio.file.Path;
import java.util.List;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.config.Config;
import org.cryosiam.io.Geometry;
import org.cryosiam.io.Hdf5;
import org.cryosiam.io.MrcReader;
import org.cryosiam.io.MrcWriter;
import org.cryosiam.io.NdData;
import org.cryosiam.train.TrainingData;
import org.cryosiam.volume.Volume;
import org.cryosiam.workflow.TrainingFiles;
import org.cryosiam.workflow.Words;
import picocli.CommandLine.Command;

/** {@code cryosiam semantic_train_create_patches}: cut tomograms, labels and distances into training patches. */
@Command(name = "semantic_train_create_patches", mixinStandardHelpOptions = true,
        header = "Cut tomograms, labels and distance maps into training patches (training step 4).",
        description = {"For every label map of labels_folder (limited to train_files and val_files when given): the "
                + "tomogram of the same name in data_folder, the label map and temp_dir/distances/<name>.h5 are cut "
                + "into patches of parameters.data.patch_size, consecutive patches overlapping by "
                + "parameters.data.patch_overlap (MONAI iter_patch_slices without padding: an axis shorter than the "
                + "patch gives none). With parameters.data.remove_only_background, patches without any labelled voxel "
                + "are dropped. Written to patches_folder/{image,labels}/<name>_z<z>_y<y>_x<x>.mrc and "
                + "patches_folder/distances/<same>.h5. The train/validation split is made by semantic_train."})
public final class SemanticTrainCreatePatchesCommand extends ConfigCommand {
    @Override
    public boolean takesFilename() {
        return false;
    }

    @Override
    protected java.util.Map<String, Path> outputFolders(Config cfg) {
        return folders(cfg, "patches_folder");
    }

    @Override
    protected void run(Config cfg) {
        Path data = cfg.path("data_folder");
        Path labels = cfg.path("labels_folder");
        Path patches = cfg.path("patches_folder");
        Path distances = cfg.path("temp_dir").resolve("distances");
        String ext = cfg.string("file_extension");
        List<Integer> ps = cfg.intList("parameters.data.patch_size");
        if (ps.size() != 3) {
            throw new CryosiamUserException(cfg.source() + ": parameters.data.patch_size must have 3 values.");
        }
        int[] patch = {ps.get(0), ps.get(1), ps.get(2)};
        double overlap = cfg.number("parameters.data.patch_overlap", 0.5);
        boolean dropBackground = cfg.bool("parameters.data.remove_only_background", false);
        int total = 0;
        boolean anyFits = false;
        String smallest = null;
        for (String file : TrainingFiles.labelFiles(cfg, labels)) {
            String stem = TrainingFiles.stem(cfg, file);
            Volume img = MrcReader.read(data.resolve(file));
            Volume lab = MrcReader.read(labels.resolve(file));
            Path dfile = distances.resolve(stem + ".h5");
            if (!java.nio.file.Files.isRegularFile(dfile)) {
                throw new CryosiamUserException(dfile + ": missing; run semantic_train_preprocess first.");
            }
            NdData d = Hdf5.read(dfile, "data");
            int[] size = img.shape();
            int[] dshape = d.shape();
            if (!java.util.Arrays.equals(size, lab.shape()) || dshape.length != 4
                    || !java.util.Arrays.equals(size, java.util.Arrays.copyOfRange(dshape, 1, 4))) {
                throw new CryosiamUserException(stem + ": tomogram " + java.util.Arrays.toString(size) + ", labels "
                        + java.util.Arrays.toString(lab.shape()) + " and distances " + java.util.Arrays.toString(dshape)
                        + " do not match.");
            }
            int classes = dshape[0];
            float[] dist = d.toFloatArray();
            List<int[]> starts = TrainingData.patchStarts(size, patch, overlap);
            if (starts.isEmpty()) {
                log.warn(stem + ": " + java.util.Arrays.toString(size) + " is smaller than the patch size "
                        + ps + ", so it gives no patches.");
                smallest = smallest != null ? smallest : stem + " is " + java.util.Arrays.toString(size);
            } else {
                anyFits = true;
            }
            int written = 0;
            for (int[] s : starts) {
                float[] lp = TrainingData.crop(lab.data(), 1, size, s, patch);
                if (dropBackground) {
                    boolean any = false;
                    for (float v : lp) {
                        if (v != 0) {
                            any = true;
                            break;
                        }
                    }
                    if (!any) {
                        continue;
                    }
                }
                String name = stem + "_z" + s[0] + "_y" + s[1] + "_x" + s[2];
                Geometry grid = Geometry.of(img.voxelSize()); // the tomogram's voxel size; a patch has its own origin
                MrcWriter.write(patches.resolve("image").resolve(name + ext),
                        NdData.float32(TrainingData.crop(img.data(), 1, size, s, patch), patch), grid, commandName(),
                        ctx.outputs());
                MrcWriter.write(patches.resolve("labels").resolve(name + ext), NdData.float32(lp, patch), grid,
                        commandName(), ctx.outputs());
                Hdf5.write(patches.resolve("distances").resolve(name + ".h5"), "data",
                        NdData.float32(TrainingData.crop(dist, classes, size, s, patch), classes, patch[0], patch[1],
                                patch[2]), Hdf5.Options.of(grid), ctx.outputs());
                written++;
            }
            total += written;
            log.info(stem + ": " + Words.count(written, "patch"));
        }
        if (total == 0) {
            throw new CryosiamUserException(cfg.source() + ": no patches written, because "
                    + (anyFits ? "every patch held only background and parameters.data.remove_only_background is "
                    + "true; check labels_folder or set remove_only_background to false"
                    : "every tomogram is smaller than parameters.data.patch_size " + ps + " (" + smallest
                    + "); set a patch size no larger than the tomograms") + ".");
        }
        log.info("wrote " + Words.count(total, "patch") + " to " + patches);
    }
}
