package org.cryosiam.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.cryosiam.FixtureStep;
import org.cryosiam.Fixtures;
import org.cryosiam.io.Csv;
import org.cryosiam.io.Hdf5;
import org.cryosiam.io.NdData;
import org.cryosiam.io.StarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The k-means and spectral clustering steps of pipeline_small, judged by adjusted Rand index (fixtures/README.md). */
class EmbeddingsClusteringTest {
    private static final String KMEANS = "simsiam_embeddings_kmeans_clustering configs/embeddings.yaml";
    private static final String SPECTRAL = "simsiam_embeddings_spectral_clustering configs/embeddings.yaml";

    @TempDir
    Path dir;

    @Test
    void kmeansMatchesTheReference() throws IOException {
        FixtureStep step = new FixtureStep(Fixtures.pipelineSmall(), dir).before(KMEANS);
        assertEquals(0, step.run("simsiam_embeddings_kmeans_clustering", "configs/embeddings.yaml"));
        for (String f : step.writes(KMEANS)) {
            assertTrue(Files.exists(step.actual(f)), f + " was not written");
        }
        step.assertHdf5Close("embeds/embeddings.h5");
        NdData got = Hdf5.read(step.actual("embeds/kmeans_clusters.h5"), "clusters");
        assertEquals(Hdf5.read(step.expected("embeds/kmeans_clusters.h5"), "clusters").type(), got.type());
        assertEquals("[2, 32]", java.util.Arrays.toString(Hdf5.read(step.actual("embeds/kmeans_clusters.h5"), "centers").shape()));
        checkClusters(step, "kmeans", "embeds/TS_01_instance_regions_kmeans_clustered.star");
        // reproducible: the same run gives the same clusters
        long[] first = got.toLongArray();
        Files.delete(step.actual("embeds/kmeans_clusters.h5"));
        assertEquals(0, step.run("simsiam_embeddings_kmeans_clustering", "configs/embeddings.yaml"));
        assertEquals(java.util.Arrays.toString(first),
                java.util.Arrays.toString(Hdf5.read(step.actual("embeds/kmeans_clusters.h5"), "clusters").toLongArray()));
    }

    @Test
    void spectralMatchesTheReference() throws IOException {
        FixtureStep step = new FixtureStep(Fixtures.pipelineSmall(), dir).before(SPECTRAL);
        assertEquals(0, step.run("simsiam_embeddings_spectral_clustering", "configs/embeddings.yaml"));
        checkClusters(step, "spectral", null);
        long[] c = Hdf5.read(step.actual("embeds/spectral_clusters.h5"), "clusters").toLongArray();
        assertEquals(1, java.util.Arrays.stream(c).min().getAsLong(), "spectral labels start at 1");
        // the reference wrote its spectral STAR over the k-means one; ours has its own name
        for (String stem : new String[] {"TS_01", "TS_02"}) {
            FixtureStep.assertTableClose(step.expected("embeds/" + stem + "_instance_regions_kmeans_clustered.star"),
                    step.actual("embeds/" + stem + "_instance_regions_spectral_clustered.star"), stem + " STAR",
                    "rlnClass");
            long[] want = StarFile.readTable(step.expected("embeds/" + stem + "_instance_regions_kmeans_clustered.star")).longs("rlnClass");
            long[] gotStar = StarFile.readTable(step.actual("embeds/" + stem + "_instance_regions_spectral_clustered.star")).longs("rlnClass");
            assertTrue(FixtureStep.adjustedRandIndex(want, gotStar) >= 0.8 || want.length < 3, stem + " rlnClass ARI");
        }
    }

    @Test
    void spectralEstimatesTheNumberOfClustersAndVisualises() throws IOException {
        FixtureStep step = new FixtureStep(Fixtures.pipelineSmall(), dir).before(SPECTRAL);
        Path cfg = step.work.resolve("configs/embeddings.yaml");
        Files.writeString(cfg, Files.readString(cfg).replace("estimate_num_clusters: false", "estimate_num_clusters: true")
                .replaceAll("visualization: false", "visualization: true"));
        assertEquals(0, step.run("simsiam_embeddings_spectral_clustering", "configs/embeddings.yaml"));
        long[] c = Hdf5.read(step.actual("embeds/spectral_clusters.h5"), "clusters").toLongArray();
        long k = java.util.Arrays.stream(c).distinct().count();
        assertTrue(k >= 1 && k <= 2, "k from the eigengap among the first num_clusters eigenvalues: " + k);
        assertTrue(Files.size(step.actual("embeds/spectral_clusters.html")) > 1000);
        assertTrue(Files.size(step.actual("embeds/spectral_clusters.png")) > 1000);
        assertEquals(java.util.List.of("class", "x", "y", "labels"),
                Csv.read(step.actual("embeds/spectral_clusters_umap_data.csv")).columns());
    }

    /** ARI ≥ 0.8 overall and per tomogram; the tables equal apart from the cluster column. */
    static void checkClusters(FixtureStep step, String method, String kmeansStar) {
        long[] want = Hdf5.read(step.expected("embeds/" + method + "_clusters.h5"), "clusters").toLongArray();
        long[] got = Hdf5.read(step.actual("embeds/" + method + "_clusters.h5"), "clusters").toLongArray();
        double ari = FixtureStep.adjustedRandIndex(want, got);
        System.out.println(method + " ARI " + ari);
        assertTrue(ari >= 0.8, method + ": adjusted Rand index " + ari);
        for (String stem : new String[] {"TS_01", "TS_02"}) {
            String h5 = "embeds/" + stem + "_clusters_" + method + ".h5";
            assertEquals(Hdf5.read(step.expected(h5), "predictions").type(), Hdf5.read(step.actual(h5), "predictions").type());
            String csv = "embeds/" + stem + "_instance_regions_" + method + "_clustered.csv";
            step.assertTableClose(csv, "semantic_class");
            long[] a = Csv.read(step.expected(csv)).longs("semantic_class");
            long[] b = Csv.read(step.actual(csv)).longs("semantic_class");
            assertEquals(a.length, b.length);
            if (kmeansStar != null) {
                step.assertTableClose("embeds/" + stem + "_instance_regions_kmeans_clustered.star", "rlnClass");
            }
        }
    }
}
