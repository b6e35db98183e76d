package org.cryosiam.commands;

import org.cryosiam.workflow.EmbeddingsPrediction;
import org.cryosiam.workflow.Step;
import picocli.CommandLine.Command;

/** {@code cryosiam simsiam_embeddings_predict}: {@link EmbeddingsPrediction}. */
@Command(name = EmbeddingsPrediction.NAME, mixinStandardHelpOptions = true,
        description = "Embed every instance of the instance masks with a SimSiam checkpoint "
                + "(<stem>_embeds.h5, _instance_labels.h5, _instance_regions.csv/.star)."
                + " A tomogram whose four files are there and were made by this command with the same config file "
                + "text and model is skipped (--overwrite recomputes it).")
public final class EmbeddingsPredictCommand extends ConfigCommand {
    @Override
    protected Step step() {
        return EmbeddingsPrediction.STEP;
    }
}
