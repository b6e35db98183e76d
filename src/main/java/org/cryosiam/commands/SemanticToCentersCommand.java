package org.cryosiam.commands;

import org.cryosiam.workflow.SemanticToCenters;
import org.cryosiam.workflow.Step;
import picocli.CommandLine.Command;

/** {@code cryosiam semantic_to_centers}: {@link SemanticToCenters}. */
@Command(name = SemanticToCenters.NAME, mixinStandardHelpOptions = true,
        description = "Particle centres (CSV and STAR per class) from semantic particle predictions.")
public final class SemanticToCentersCommand extends ConfigCommand {
    @Override
    protected Step step() {
        return SemanticToCenters.STEP;
    }
}
