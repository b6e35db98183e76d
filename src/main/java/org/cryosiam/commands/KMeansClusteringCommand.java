package org.cryosiam.commands;

import java.util.Map;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.cluster.KMeans;
import org.cryosiam.config.Config;
import org.cryosiam.io.NdData;
import picocli.CommandLine.Command;

/** {@code cryosiam simsiam_embeddings_kmeans_clustering}. */
@Command(name = "simsiam_embeddings_kmeans_clustering", mixinStandardHelpOptions = true,
        description = "Cluster the subtomogram embeddings with k-means (k-means++ seeding, 10 seeded restarts).")
public final class KMeansClusteringCommand extends EmbeddingsClusteringCommand {
    @Override
    String method() {
        return "kmeans";
    }

    @Override
    int[] cluster(double[][] x, Config section, Map<String, NdData> extra) {
        int k = section.integer("num_clusters");
        if (k < 1 || k > x.length) {
            throw new CryosiamUserException(section.source() + ": clustering_kmeans.num_clusters = " + k
                    + " must be between 1 and the number of embeddings (" + x.length + ").");
        }
        KMeans.Result r = KMeans.fit(x, k, 10, 1000, SEED);
        int dim = x[0].length;
        double[] centers = new double[k * dim];
        for (int c = 0; c < k; c++) {
            System.arraycopy(r.centers()[c], 0, centers, c * dim, dim);
        }
        extra.put("centers", NdData.float64(centers, k, dim));
        return r.labels();
    }
}
