package org.cryosiam.commands;

import java.nio.file.Path;

import org.cryosiam.config.Config;
import org.cryosiam.io.Geometry;
import org.cryosiam.io.Hdf5;
import org.cryosiam.io.MrcReader;
import org.cryosiam.io.NdData;
import org.cryosiam.train.TrainingData;
import org.cryosiam.volume.Volume;
import org.cryosiam.workflow.TrainingFiles;
import picocli.CommandLine.Command;

/** {@code cryosiam semantic_train_preprocess}: signed distance maps of the training labels. */
@Command(name = "semantic_train_preprocess", mixinStandardHelpOptions = true,
        header = "Signed distance maps of the training label maps (training step 3).",
        description = {"For every label map of labels_folder (limited to train_files and val_files when given) and "
                + "each class i < parameters.network.out_channels (labels > 0 for one class), the signed Euclidean "
                + "distance to the class border: positive inside, negative outside, the image border counted as "
                + "background. Written to temp_dir/distances/<name>.h5, dataset 'data' (classes x z x y x, float32); "
                + "the reference writes .npz files there."})
public final class SemanticTrainPreprocessCommand extends ConfigCommand {
    @Override
    public boolean takesFilename() {
        return false;
    }

    @Override
    protected java.util.Map<String, Path> outputFolders(Config cfg) {
        return folders(cfg, "temp_dir");
    }

    @Override
    protected void run(Config cfg) {
        Path labels = cfg.path("labels_folder");
        Path out = cfg.path("temp_dir").resolve("distances");
        int classes = cfg.integer("parameters.network.out_channels");
        for (String file : TrainingFiles.labelFiles(cfg, labels)) {
            Geometry geometry = MrcReader.readHeader(labels.resolve(file)).geometry();
            Volume v = MrcReader.read(labels.resolve(file));
            int[] lab = new int[v.data().length];
            for (int i = 0; i < lab.length; i++) {
                lab[i] = Math.round(v.data()[i]);
            }
            float[] d = TrainingData.distanceMaps(lab, v.nz(), v.ny(), v.nx(), classes);
            Path target = out.resolve(TrainingFiles.stem(cfg, file) + ".h5");
            Hdf5.write(target, "data", NdData.float32(d, classes, v.nz(), v.ny(), v.nx()), Hdf5.Options.of(geometry),
                    ctx.outputs());
            log.info("wrote " + target);
        }
    }
}
