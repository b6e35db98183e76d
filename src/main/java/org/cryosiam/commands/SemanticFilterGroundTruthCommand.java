package org.cryosiam.commands;

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
import org.cryosiam.workflow.TrainingFiles;
import picocli.CommandLine.Command;

/** {@code cryosiam semantic_filter_ground_truth}: keep selected labels of ground-truth maps for training. */
@Command(name = "semantic_filter_ground_truth", mixinStandardHelpOptions = true,
        header = "Keep selected labels of ground-truth label maps (training step 1).",
        description = {"For every label map of labels_folder_for_filtering, keep the labels listed in "
                + "selected_labels: one label gives a binary mask (1 where the label was), several keep their own "
                + "values; every other voxel becomes 0. Each kept region is then grown by one voxel into the "
                + "background (skimage expand_labels(labels, 1), as the reference does). Writes float32 MRC maps "
                + "under the same names into labels_folder."})
public final class SemanticFilterGroundTruthCommand extends ConfigCommand {
    @Override
    public boolean takesFilename() {
        return false;
    }

    @Override
    protected java.util.Map<String, Path> outputFolders(Config cfg) {
        return folders(cfg, "labels_folder");
    }

    @Override
    protected void run(Config cfg) {
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
        boolean binary = keep.size() == 1;
        String ext = cfg.string("file_extension");
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
            MrcWriter.write(target, NdData.float32(f, v.nz(), v.ny(), v.nx()), geometry, commandName(), ctx.outputs());
            log.info("wrote " + target);
        }
    }
}
