package org.cryosiam.commands;

import org.cryosiam.workflow.EmbeddingsClustering;
import org.cryosiam.workflow.Step;
import picocli.CommandLine.Command;

/** {@code cryosiam simsiam_embeddings_spectral_clustering}: {@link EmbeddingsClustering#SPECTRAL}. */
@Command(name = EmbeddingsClustering.SPECTRAL_NAME, mixinStandardHelpOptions = true,
        description = "Cluster the subtomogram embeddings spectrally (10-NN graph; optional eigengap estimate of k).")
public final class SpectralClusteringCommand extends ConfigCommand {
    @Override
    protected Step step() {
        return EmbeddingsClustering.SPECTRAL;
    }
}
