package org.cryosiam.commands;

import java.util.Map;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.cluster.Graph;
import org.cryosiam.cluster.SpectralClustering;
import org.cryosiam.config.Config;
import org.cryosiam.io.NdData;
import picocli.CommandLine.Command;

/** {@code cryosiam simsiam_embeddings_spectral_clustering}; labels from 1, as the reference writes them. */
@Command(name = "simsiam_embeddings_spectral_clustering", mixinStandardHelpOptions = true,
        description = "Cluster the subtomogram embeddings spectrally (10-NN graph; optional eigengap estimate of k).")
public final class SpectralClusteringCommand extends EmbeddingsClusteringCommand {
    @Override
    String method() {
        return "spectral";
    }

    @Override
    int[] cluster(double[][] x, Config section, Map<String, NdData> extra) {
        int k = section.integer("num_clusters");
        if (k < 1 || k > x.length) {
            throw new CryosiamUserException(section.source() + ": clustering_spectral.num_clusters = " + k
                    + " must be between 1 and the number of embeddings (" + x.length + ").");
        }
        Graph g = SpectralClustering.affinity(x);
        if (section.bool("estimate_num_clusters", false)) {
            k = SpectralClustering.estimateClusters(g, k, SEED);
            log.info("estimated number of clusters (largest eigengap): " + k);
        }
        int[] labels = SpectralClustering.fit(g, k, SEED);
        for (int i = 0; i < labels.length; i++) {
            labels[i]++;
        }
        return labels;
    }
}
