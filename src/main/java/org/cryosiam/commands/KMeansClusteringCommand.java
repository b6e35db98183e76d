package org.cryosiam.commands;

import org.cryosiam.workflow.EmbeddingsClustering;
import org.cryosiam.workflow.Step;
import picocli.CommandLine.Command;

/** {@code cryosiam simsiam_embeddings_kmeans_clustering}: {@link EmbeddingsClustering#KMEANS}. */
@Command(name = EmbeddingsClustering.KMEANS_NAME, mixinStandardHelpOptions = true,
        description = "Cluster the subtomogram embeddings with k-means (k-means++ seeding, 10 seeded restarts).")
public final class KMeansClusteringCommand extends ConfigCommand {
    @Override
    protected Step step() {
        return EmbeddingsClustering.KMEANS;
    }
}
