package org.cryosiam.workflow;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.config.Config;
import org.cryosiam.io.Geometry;
import org.cryosiam.io.MrcReader;
import org.cryosiam.io.MrcWriter;
import org.cryosiam.io.NdData;
import org.cryosiam.io.OutputGuard;
import org.cryosiam.ops.ExpandLabels;
import org.cryosiam.volume.Volume;

/** {@code semantic_filter_ground_truth}: keep selected labels of ground-truth maps for training. */
public final class SemanticGroundTruthFilter {
    public static final String NAME = "semantic_filter_ground_truth";
    public static final Step STEP = Step.of(NAME,
            (cfg, run) -> new SemanticGroundTruthFilter(Settings.from(cfg), run).run()).wholeFolder()
            .writing(cfg -> Step.folders(cfg, "labels_folder"));

    /**
     * What the step reads from its config.
     *
     * @param config the config itself, for the label files and their stems
     */
    public record Settings(Config config, Path in, Path out, Set<Integer> keep, String ext) {
        public static Settings from(Config cfg) {
            if (!cfg.has("labels_folder_for_filtering")) { // the docs' training config sets it to null: no filtering
                throw new CryosiamUserException(cfg.source() + ": labels_folder_for_filtering is "
                        + (cfg.asMap().containsKey("labels_folder_for_filtering") ? "null" : "not set")
                        + ", so there is nothing to filter; skip this step when labels_folder already holds the labels "
                        + "to train on, or set labels_folder_for_filtering and selected_labels.");
            }
            Path in = cfg.path("labels_folder_for_filtering");
            Path out = cfg.path("labels_folder");
            List<Double> selected = cfg.numberList("selected_labels");
            Set<Integer> keep = new HashSet<>();
            for (double d : selected) {
                keep.add((int) d);
            }
            if (keep.isEmpty()) {
                throw new CryosiamUserException(cfg.source() + ": selected_labels is empty.");
            }
            String ext = cfg.string("file_extension");
            return new Settings(cfg, in, out, keep, ext);
        }
    }

    private final Settings settings;
    private final StepRun run;

    public SemanticGroundTruthFilter(Settings settings, StepRun run) {
        this.settings = settings;
        this.run = run;
    }

    public void run() {
        Config cfg = settings.config();
        Path in = settings.in();
        Path out = settings.out();
        Set<Integer> keep = settings.keep();
        String ext = settings.ext();
        boolean binary = keep.size() == 1;
        List<String> files = TrainingFiles.labelFiles(cfg, in);
        List<Path> inputs = new ArrayList<>();
        List<Path> outputs = new ArrayList<>();
        for (String file : files) {
            inputs.add(in.resolve(file));
            outputs.add(out.resolve(TrainingFiles.stem(cfg, file) + ext));
        }
        OutputGuard.refuse(inputs, outputs);
        for (String file : files) {
            Geometry geometry = MrcReader.readHeader(in.resolve(file)).geometry();
            Volume v = MrcReader.read(in.resolve(file));
            float[] d = v.data();
            int[] labels = new int[d.length];
            for (int i = 0; i < d.length; i++) {
                int l = Math.round(d[i]);
                labels[i] = keep.contains(l) ? (binary ? 1 : l) : 0;
            }
            int[] grown = ExpandLabels.expand(labels, v.nz(), v.ny(), v.nx(), 1);
            float[] f = new float[grown.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = grown[i];
            }
            Path target = out.resolve(TrainingFiles.stem(cfg, file) + ext);
            MrcWriter.write(target, NdData.float32(f, v.nz(), v.ny(), v.nx()), geometry, NAME, run.outputs());
            run.log().info("wrote " + target);
        }
    }

}
