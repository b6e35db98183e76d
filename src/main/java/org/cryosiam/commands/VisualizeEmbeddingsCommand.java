package org.cryosiam.commands;

import org.cryosiam.workflow.EmbeddingsVisualization;
import org.cryosiam.workflow.Step;
import picocli.CommandLine.Command;

/** {@code cryosiam simsiam_visualize_embeddings}: {@link EmbeddingsVisualization}. */
@Command(name = EmbeddingsVisualization.NAME, mixinStandardHelpOptions = true,
        description = "Project the subtomogram embeddings with UMAP (2-D/3-D) or PCA and plot them "
                + "(<stem>_embeds_umap.html/.png, _data.csv).")
public final class VisualizeEmbeddingsCommand extends ConfigCommand {
    @Override
    protected Step step() {
        return EmbeddingsVisualization.STEP;
    }
}
