package org.cryosiam.commands;

import org.cryosiam.workflow.SemanticPostprocessing;
import org.cryosiam.workflow.Step;
import picocli.CommandLine.Command;

/** {@code cryosiam semantic_postprocessing}: {@link SemanticPostprocessing}. */
@Command(name = SemanticPostprocessing.NAME, mixinStandardHelpOptions = true,
        description = "Remove small connected components per class from semantic predictions (in place).")
public final class SemanticPostprocessingCommand extends ConfigCommand {
    @Override
    protected Step step() {
        return SemanticPostprocessing.STEP;
    }
}
