package org.cryosiam.commands;

import org.cryosiam.workflow.SemanticGroundTruthFilter;
import org.cryosiam.workflow.Step;
import picocli.CommandLine.Command;

/** {@code cryosiam semantic_filter_ground_truth}: {@link SemanticGroundTruthFilter}. */
@Command(name = SemanticGroundTruthFilter.NAME, mixinStandardHelpOptions = true,
        header = "Keep selected labels of ground-truth label maps (training step 1).",
        description = {"For every label map of labels_folder_for_filtering, keep the labels listed in "
                + "selected_labels: one label gives a binary mask (1 where the label was), several keep their own "
                + "values; every other voxel becomes 0. Each kept region is then grown by one voxel into the "
                + "background (skimage expand_labels(labels, 1), as the reference does). Writes float32 MRC maps "
                + "under the same names into labels_folder."})
public final class SemanticFilterGroundTruthCommand extends ConfigCommand {
    @Override
    protected Step step() {
        return SemanticGroundTruthFilter.STEP;
    }
}
