package org.cryosiam.commands;

import org.cryosiam.workflow.SemanticPrediction;
import org.cryosiam.workflow.Step;
import picocli.CommandLine.Command;

/** {@code cryosiam semantic_predict}: {@link SemanticPrediction}. */
@Command(name = SemanticPrediction.NAME, mixinStandardHelpOptions = true,
        description = "Semantic segmentation (lamella, classes, particle candidates) with a CryoSiam semantic checkpoint.")
public final class SemanticPredictCommand extends ConfigCommand {
    @Override
    protected Step step() {
        return SemanticPrediction.STEP;
    }
}
