package org.cryosiam.commands;

import org.cryosiam.workflow.SemanticTrainingPatches;
import org.cryosiam.workflow.Step;
import picocli.CommandLine.Command;

/** {@code cryosiam semantic_train_create_patches}: {@link SemanticTrainingPatches}. */
@Command(name = SemanticTrainingPatches.NAME, mixinStandardHelpOptions = true,
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
    protected Step step() {
        return SemanticTrainingPatches.STEP;
    }
}
