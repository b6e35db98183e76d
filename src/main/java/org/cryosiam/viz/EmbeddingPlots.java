package org.cryosiam.viz;

import java.nio.file.Path;
import java.util.List;

import org.cryosiam.cluster.Metric;
import org.cryosiam.cluster.Umap;
import org.cryosiam.io.Csv;
import org.cryosiam.io.OutputSink;
import org.cryosiam.io.Table;
import org.cryosiam.log.Log;

/** The clustering commands' {@code visualization: true} plot: a 2-D UMAP of the embeddings coloured by cluster. */
public final class EmbeddingPlots {
    private EmbeddingPlots() {
    }

    /**
     * Writes {@code html} (e.g. {@code kmeans_clusters.html}), the same scatter as PNG beside it, and
     * {@code <base>_umap_data.csv} with the reference's columns {@code class, x, y, labels}.
     *
     * @param names per point, {@code <stem><ext>_<label>}
     * @param log     where the files written are reported
     * @param outputs the run the files are outputs of
     */
    public static void clusters(double[][] x, int[] clusters, List<String> names, Path html, long seed, Log log,
                                OutputSink outputs) {
        double[][] y = new Umap(10, 0.0, Metric.EUCLIDEAN, seed).fit(x, 2);
        int n = x.length;
        String[] cls = new String[n];
        double[] px = new double[n];
        double[] py = new double[n];
        String[] labels = names.toArray(String[]::new);
        for (int i = 0; i < n; i++) {
            cls[i] = Integer.toString(clusters[i]);
            px[i] = y[i][0];
            py[i] = y[i][1];
        }
        String base = html.getFileName().toString().replaceFirst("\\.html$", "");
        String[] fx = new String[n];
        String[] fy = new String[n];
        for (int i = 0; i < n; i++) {
            fx[i] = org.cryosiam.io.PythonFloat.repr(px[i]);
            fy[i] = org.cryosiam.io.PythonFloat.repr(py[i]);
        }
        ScatterPlot plot = new ScatterPlot(base.replace('_', ' ') + " (UMAP)", y)
                .hover("class", cls).hover("x", fx).hover("y", fy).hover("labels", labels)
                .colourByCategory("class", cls);
        plot.writeHtml(html, outputs);
        plot.writePng(html.resolveSibling(base + ".png"), outputs);
        Csv.write(html.resolveSibling(base + "_umap_data.csv"), Table.builder().strings("class", cls)
                .doubles("x", px).doubles("y", py).strings("labels", labels).build(), outputs);
        log.info("wrote " + html + " (and .png, _umap_data.csv)");
    }
}
