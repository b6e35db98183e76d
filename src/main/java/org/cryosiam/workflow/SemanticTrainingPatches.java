package org.cryosiam.workflow;

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

/** {@code semantic_train_create_patches}: cut tomograms, labels and distances into training patches. */
public final class SemanticTrainingPatches {
    public static final String NAME = "semantic_train_create_patches";
    public static final Step STEP = Step.of(NAME,
            (cfg, run) -> new SemanticTrainingPatches(Settings.from(cfg), run).run()).wholeFolder()
            .writing(cfg -> Step.folders(cfg, "patches_folder"));

    /**
     * What the step reads from its config.
     *
     * @param config the config itself, for the label files and their stems
     */
    public record Settings(Config config, Path data, Path labels, Path patches, Path distances, String ext, int[] patch,
                           double overlap, boolean dropBackground) {
        public static Settings from(Config cfg) {
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
            return new Settings(cfg, data, labels, patches, distances, ext, patch, overlap, dropBackground);
        }
    }

    private final Settings settings;
    private final StepRun run;

    public SemanticTrainingPatches(Settings settings, StepRun run) {
        this.settings = settings;
        this.run = run;
    }

    public void run() {
        Config cfg = settings.config();
        Path data = settings.data();
        Path labels = settings.labels();
        Path patches = settings.patches();
        Path distances = settings.distances();
        String ext = settings.ext();
        int[] patch = settings.patch();
        double overlap = settings.overlap();
        boolean dropBackground = settings.dropBackground();
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
                run.log().warn(stem + ": " + java.util.Arrays.toString(size) + " is smaller than the patch size "
                        + java.util.Arrays.toString(patch) + ", so it gives no patches.");
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
                        NdData.float32(TrainingData.crop(img.data(), 1, size, s, patch), patch), grid, NAME,
                        run.outputs());
                MrcWriter.write(patches.resolve("labels").resolve(name + ext), NdData.float32(lp, patch), grid,
                        NAME, run.outputs());
                Hdf5.write(patches.resolve("distances").resolve(name + ".h5"), "data",
                        NdData.float32(TrainingData.crop(dist, classes, size, s, patch), classes, patch[0], patch[1],
                                patch[2]), Hdf5.Options.of(grid), run.outputs());
                written++;
            }
            total += written;
            run.log().info(stem + ": " + Words.count(written, "patch"));
        }
        if (total == 0) {
            throw new CryosiamUserException(cfg.source() + ": no patches written, because "
                    + (anyFits ? "every patch held only background and parameters.data.remove_only_background is "
                    + "true; check labels_folder or set remove_only_background to false"
                    : "every tomogram is smaller than parameters.data.patch_size " + java.util.Arrays.toString(patch)
                    + " (" + smallest + "); set a patch size no larger than the tomograms") + ".");
        }
        run.log().info("wrote " + Words.count(total, "patch") + " to " + patches);
    }

}
