package org.cryosiam.commands;

import org.cryosiam.workflow.SemanticModelTraining;
import org.cryosiam.workflow.Step;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cryosiam semantic_train}: {@link SemanticModelTraining}. */
@Command(name = SemanticModelTraining.NAME, mixinStandardHelpOptions = true,
        header = "Fine-tune a semantic segmentation model on your patches (training step 5).",
        description = {"Builds the model from pretrained_model (a DenseSimSiam checkpoint such as "
                + "dense_simsiam_pretrained.ckpt) plus fresh semantic and distance heads, and trains it on the "
                + "patches of patches_folder with the reference's losses, optimiser, one-cycle schedule and freezing "
                + "rules. The tomograms are split into training and validation by train_files/val_files or, without "
                + "val_files, a seeded random validation_ratio (the split is kept in log_dir/train_val_split.yaml). "
                + "Writes log_dir/model/last.ckpt after every epoch, log_dir/model/model_best.ckpt at the lowest "
                + "validation loss, log_dir/metrics.csv and log_dir/loss_curves.png (the losses per epoch). "
                + "continue_training: true resumes from last.ckpt (weights, optimiser moments, schedule position, "
                + "epoch). The checkpoints load in semantic_predict and in the Python tool.",
                "Augmentation: one of low-pass/high-pass/noise/all three/identity; elastic deformation "
                        + "(elastic: magnitude range, σ 5-10), zoom (zoom: [min, max]) and rotation (rotate: maximum "
                        + "angles in radians about z, y, x), each with probability 0.8, applied alike to image, "
                        + "labels (nearest) and distance maps with zeros outside the patch; flips and intensity "
                        + "scaling as configured. Validation runs without augmentation (the reference augments it "
                        + "too)."})
public final class SemanticTrainCommand extends ConfigCommand {
    @Option(names = "--seed", paramLabel = "N", description = "Seed of the split, shuffling, augmentation and the "
            + "heads' initial weights (default: 0).")
    long seed;

    @Option(names = "--stop_after_epochs", hidden = true, paramLabel = "N",
            description = "Stop after epoch N as if interrupted (for testing continue_training).")
    Integer stopAfter;

    /** Training is one long job (no array): its script and log go beside the run's checkpoints. */
    @Override
    public String slurmFolderKey() {
        return "log_dir";
    }

    @Override
    protected Step step() {
        return SemanticModelTraining.step(seed, stopAfter);
    }
}
