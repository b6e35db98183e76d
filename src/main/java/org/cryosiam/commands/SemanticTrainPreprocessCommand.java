package org.cryosiam.commands;

import org.cryosiam.workflow.SemanticTrainingPreprocessing;
import org.cryosiam.workflow.Step;
import picocli.CommandLine.Command;

/** {@code cryosiam semantic_train_preprocess}: {@link SemanticTrainingPreprocessing}. */
@Command(name = SemanticTrainingPreprocessing.NAME, mixinStandardHelpOptions = true,
        header = "Signed distance maps of the training label maps (training step 3).",
        description = {"For every label map of labels_folder (limited to train_files and val_files when given) and "
                + "each class i < parameters.network.out_channels (labels > 0 for one class), the signed Euclidean "
                + "distance to the class border: positive inside, negative outside, the image border counted as "
                + "background. Written to temp_dir/distances/<name>.h5, dataset 'data' (classes x z x y x, float32); "
                + "the reference writes .npz files there."})
public final class SemanticTrainPreprocessCommand extends ConfigCommand {
    @Override
    protected Step step() {
        return SemanticTrainingPreprocessing.STEP;
    }
}
