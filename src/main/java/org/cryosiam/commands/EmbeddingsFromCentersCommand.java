package org.cryosiam.commands;

import org.cryosiam.workflow.EmbeddingsFromCenters;
import org.cryosiam.workflow.Step;
import picocli.CommandLine.Command;

/** {@code cryosiam simsiam_embeddings_from_centers_predict}: {@link EmbeddingsFromCenters}. */
@Command(name = EmbeddingsFromCenters.NAME, mixinStandardHelpOptions = true,
        description = "Embed the subtomogram around every particle centre of a STAR/CSV file with a SimSiam "
                + "checkpoint (<stem>_embeds.h5, _instance_labels.h5, _instance_regions.csv/.star)."
                + " A tomogram whose four files are there and were made by this command with the same config file "
                + "text and model is skipped (--overwrite recomputes it).")
public final class EmbeddingsFromCentersCommand extends ConfigCommand {
    @Override
    protected Step step() {
        return EmbeddingsFromCenters.STEP;
    }
}
