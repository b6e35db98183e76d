package org.cryosiam.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.cryosiam.FixtureStep;
import org.cryosiam.Fixtures;
import org.cryosiam.io.Csv;
import org.cryosiam.io.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** simsiam_visualize_embeddings on the pipeline case's embeddings. */
class VisualizeEmbeddingsTest {
    @TempDir
    Path dir;

    private FixtureStep step() throws IOException {
        return new FixtureStep(Fixtures.pipelineSmall(), dir)
                .before("simsiam_embeddings_spectral_clustering configs/embeddings.yaml");
    }

    @Test
    void umap2dWritesAnOfflineHtmlThePngAndTheData() throws IOException {
        FixtureStep step = step();
        assertEquals(0, step.run("simsiam_visualize_embeddings", "configs/embeddings.yaml"));
        for (String stem : new String[] {"TS_01", "TS_02"}) {
            Path html = step.actual("embeds/vis/" + stem + "_embeds_umap.html");
            String page = Files.readString(html);
            assertFalse(page.contains("<script src"), "no external script");
            assertFalse(page.contains("http://") || page.contains("https://"), "nothing fetched from the network");
            assertTrue(page.contains("hull_area") && page.contains("log_area"), "hover shows the metadata");
            byte[] png = Files.readAllBytes(step.actual("embeds/vis/" + stem + "_embeds_umap.png"));
            assertEquals((byte) 0x89, png[0]);
            assertEquals('P', png[1]);
            Table data = Csv.read(step.actual("embeds/vis/" + stem + "_embeds_umap_data.csv"));
            assertEquals("", data.columns().get(0), "pandas index column");
            assertTrue(data.columns().containsAll(java.util.List.of("label", "area", "log_area", "x", "y")));
            assertEquals(Csv.read(step.actual("embeds/" + stem + "_instance_regions.csv")).rowCount(), data.rowCount());
        }
    }

    @Test
    void umap3dAndPcaAndClassColours() throws IOException {
        FixtureStep step = step();
        Path cfg = step.work.resolve("configs/embeddings.yaml");
        String base = Files.readString(cfg);
        Files.writeString(cfg, base.replace("3d_umap: false", "3d_umap: true")
                .replace("visualization_suffix: instance_regions.csv", "visualization_suffix: instance_regions_kmeans_clustered.csv"));
        assertEquals(0, step.run("simsiam_visualize_embeddings", "configs/embeddings.yaml"));
        Table data = Csv.read(step.actual("embeds/vis/TS_01_embeds_umap_data.csv"));
        assertTrue(data.hasColumn("z") && data.hasColumn("semantic_class"));
        assertTrue(Files.readString(step.actual("embeds/vis/TS_01_embeds_umap.html")).contains("\"cats\""));
        Files.writeString(cfg, base.replace("pca_components: null", "pca_components: 3"));
        assertEquals(0, step.run("simsiam_visualize_embeddings", "configs/embeddings.yaml"));
        assertTrue(Files.exists(step.actual("embeds/vis/TS_02_embeds_pca.html")));
        assertTrue(Files.exists(step.actual("embeds/vis/TS_02_embeds_pca.png")));
        assertTrue(Files.exists(step.actual("embeds/vis/TS_02_embeds_pca_data.csv")));
    }

    /** A suffix that matches no table (issue 28, item 14) lists the suffixes the folder has, before any work. */
    @Test
    void aSuffixThatMatchesNothingListsThoseThatExist() throws IOException {
        FixtureStep step = step();
        Path cfg = step.work.resolve("configs/embeddings.yaml");
        Files.writeString(cfg, Files.readString(cfg).replace("visualization_suffix: instance_regions.csv",
                "visualization_suffix: regions.csv"));
        ProcessingSupport.Result r = ProcessingSupport.run(step, "simsiam_visualize_embeddings", "embeddings.yaml");
        r.assertUserError("TS_01_regions.csv: not found (visualization.visualization_suffix: 'regions.csv'); the "
                + "suffixes there are instance_regions.csv");
        assertFalse(Files.exists(step.actual("embeds/vis/TS_01_embeds_umap.html")));
    }
}
