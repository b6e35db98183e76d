package org.cryosiam.workflow;

import java.nio.file.Path;

import org.cryosiam.config.Config;
import org.cryosiam.io.Geometry;
import org.cryosiam.io.Hdf5;
import org.cryosiam.io.MrcReader;
import org.cryosiam.io.NdData;
import org.cryosiam.train.TrainingData;
import org.cryosiam.volume.Volume;

/** {@code semantic_train_preprocess}: signed distance maps of the training labels. */
public final class SemanticTrainingPreprocessing {
    public static final String NAME = "semantic_train_preprocess";
    public static final Step STEP = Step.of(NAME,
            (cfg, run) -> new SemanticTrainingPreprocessing(Settings.from(cfg), run).run()).wholeFolder()
            .writing(cfg -> Step.folders(cfg, "temp_dir"));

    /**
     * What the step reads from its config.
     *
     * @param config the config itself, for the label files and their stems
     */
    public record Settings(Config config, Path labels, Path out, int classes) {
        public static Settings from(Config cfg) {
            Path labels = cfg.path("labels_folder");
            Path out = cfg.path("temp_dir").resolve("distances");
            int classes = cfg.integer("parameters.network.out_channels");
            return new Settings(cfg, labels, out, classes);
        }
    }

    private final Settings settings;
    private final StepRun run;

    public SemanticTrainingPreprocessing(Settings settings, StepRun run) {
        this.settings = settings;
        this.run = run;
    }

    public void run() {
        Config cfg = settings.config();
        Path labels = settings.labels();
        Path out = settings.out();
        int classes = settings.classes();
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
                    run.outputs());
            run.log().info("wrote " + target);
        }
    }

}
