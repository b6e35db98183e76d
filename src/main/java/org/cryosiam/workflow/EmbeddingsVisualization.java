package org.cryosiam.workflow;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.cluster.Metric;
import org.cryosiam.cluster.Pca;
import org.cryosiam.cluster.Umap;
import org.cryosiam.config.Config;
import org.cryosiam.io.Csv;
import org.cryosiam.io.Hdf5;
import org.cryosiam.io.NdData;
import org.cryosiam.io.PythonFloat;
import org.cryosiam.io.Table;
import org.cryosiam.viz.ScatterPlot;

/**
 * {@code simsiam_visualize_embeddings}: per tomogram, a 2-D/3-D UMAP (or PCA) of the embeddings with the
 * regions' metadata, as an offline interactive HTML scatter, a PNG of it and the {@code _data.csv} (spec/commands.md).
 */
public final class EmbeddingsVisualization {
    public static final String NAME = "simsiam_visualize_embeddings";
    public static final Step STEP = Step.of(NAME,
            (cfg, run) -> new EmbeddingsVisualization(Settings.from(cfg), run).run()).wholeFolder()
            .writing(cfg -> Step.folders(cfg, "visualization.prediction_folder"));

    /**
     * What the step reads from its config.
     *
     * @param config the config itself, for its name in messages and visualization_files
     */
    public record Settings(Config config, Path folder, Config vis, Path outFolder, String ext, String suffix) {
        public static Settings from(Config cfg) {
            Path folder = cfg.path("prediction_folder");
            Config vis = cfg.section("visualization");
            Path outFolder = vis.path("prediction_folder");
            String ext = cfg.string("file_extension", "");
            String suffix = vis.string("visualization_suffix", "instance_regions.csv");
            return new Settings(cfg, folder, vis, outFolder, ext, suffix);
        }
    }

    private final Settings settings;
    private final StepRun run;

    public EmbeddingsVisualization(Settings settings, StepRun run) {
        this.settings = settings;
        this.run = run;
    }

    public void run() {
        Config cfg = settings.config();
        Path folder = settings.folder();
        Config vis = settings.vis();
        Path outFolder = settings.outFolder();
        String ext = settings.ext();
        String suffix = settings.suffix();
        if (!vis.bool("visualize_umap", true)) {
            run.log().info("visualization.visualize_umap is false: nothing to do");
            return;
        }
        Integer pca = vis.has("pca_components") ? vis.integer("pca_components") : null;
        if (pca != null && pca < 1) {
            pca = null;
        }
        boolean three = vis.bool("3d_umap", false);
        int dims = three ? 3 : 2;
        if (pca != null && pca < dims) {
            throw new CryosiamUserException(cfg.source() + ": visualization.pca_components = " + pca + " is fewer than the "
                    + dims + " plotted dimensions.");
        }
        Metric metric = Metric.parse(vis.string("distance", "euclidean"));
        List<String> stems = new ArrayList<>();
        List<String> given = cfg.stringListOrNull("visualization_files");
        if (given != null) {
            for (String g : given) {
                stems.add(InputStem.of(g, ext));
            }
        } else {
            try (Stream<Path> s = Files.list(folder)) {
                s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith("_embeds.h5")).sorted()
                        .forEach(n -> stems.add(n.substring(0, n.length() - "_embeds.h5".length())));
            } catch (IOException e) {
                throw new CryosiamUserException(folder + ": cannot list the prediction folder (" + e.getMessage() + ").");
            }
        }
        for (String stem : stems) { // every table is there before hours of projections
            requireMetadata(folder, stem, suffix);
        }
        String method = pca != null ? "pca" : "umap";
        for (String stem : stems) {
            Path embedsFile = folder.resolve(stem + "_embeds.h5");
            if (!Files.exists(embedsFile)) {
                run.log().warn("skipping " + stem + ": no " + embedsFile);
                continue;
            }
            double[][] cols = EmbeddingsClustering.rows(embedsFile, Hdf5.read(embedsFile, "embeddings"));
            int dim = cols.length;
            int n = dim == 0 ? 0 : cols[0].length;
            if (n < 2) {
                run.log().warn("skipping " + stem + ": " + n + " embedding(s), nothing to project");
                continue;
            }
            double[][] x = new double[n][dim];
            for (int i = 0; i < n; i++) {
                for (int d = 0; d < dim; d++) {
                    x[i][d] = cols[d][i];
                }
            }
            Path labelsFile = folder.resolve(stem + "_instance_labels.h5");
            NdData labelData = Hdf5.read(labelsFile, "labels");
            long[] labels = labelData.toLongArray();
            if (labelData.rank() != 1 || labels.length != n || labelData.type().floating()) {
                throw new CryosiamUserException(labelsFile + ": 'labels' should hold the " + n + " integer labels of "
                        + embedsFile.getFileName() + ", found " + labelData.type().numpyName() + " of shape "
                        + java.util.Arrays.toString(labelData.shape()) + ".");
            }
            Path metaFile = folder.resolve(stem + "_" + suffix);
            Table meta = Csv.read(metaFile);
            Table data = metadata(meta, labels, metaFile);
            double[][] y = pca != null ? Pca.scores(x, pca) : new Umap(10, 0.0, metric, SEED).fit(x, dims);
            String name = stem + "_embeds_" + method;
            write(data, y, dims, outFolder, name, stem);
        }
    }

    /**
     * Refuses a missing {@code <stem>_<visualization_suffix>} table of a tomogram with embeddings, naming the
     * suffixes its CSV tables have in the folder (a suffix from the Python docs may not be what was written).
     */
    private static void requireMetadata(Path folder, String stem, String suffix) {
        Path metaFile = folder.resolve(stem + "_" + suffix);
        if (Files.exists(metaFile) || !Files.exists(folder.resolve(stem + "_embeds.h5"))) {
            return;
        }
        List<String> found = new ArrayList<>();
        try (Stream<Path> s = Files.list(folder)) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(stem + "_") && n.endsWith(".csv"))
                    .sorted().forEach(n -> found.add(n.substring(stem.length() + 1)));
        } catch (IOException e) {
            found.clear();
        }
        throw new CryosiamUserException(metaFile + ": not found (visualization.visualization_suffix: '" + suffix
                + "'); " + (found.isEmpty() ? "the folder has no CSV table of " + stem
                : "the suffixes there are " + String.join(", ", found)) + ".");
    }

    /** umap-learn's {@code random_state} in the reference; ours seeds our own UMAP. */
    static final long SEED = 10;

    /** Metadata rows in the order of the labels, plus {@code log_area}. */
    static Table metadata(Table meta, long[] labels, Path metaFile) {
        if (!meta.hasColumn("label")) {
            throw new CryosiamUserException(metaFile + ": no column 'label'.");
        }
        long[] metaLabels = meta.longs("label");
        Map<Long, Integer> row = new HashMap<>();
        for (int i = 0; i < metaLabels.length; i++) {
            row.put(metaLabels[i], i);
        }
        int[] rows = new int[labels.length];
        for (int i = 0; i < labels.length; i++) {
            Integer r = row.get(labels[i]);
            if (r == null) {
                throw new CryosiamUserException(metaFile + ": no row for label " + labels[i] + ".");
            }
            rows[i] = r;
        }
        Table t = RegionTables.rows(meta, rows);
        if (t.hasColumn("area")) {
            double[] area = t.doubles("area");
            double[] log = new double[area.length];
            for (int i = 0; i < area.length; i++) {
                log[i] = Math.log(area[i]) / Math.log(2);
            }
            t = t.toBuilder().doubles("log_area", log).build();
        }
        return t;
    }

    private void write(Table data, double[][] y, int dims, Path outFolder, String name, String stem) {
        int n = y.length;
        Table.Builder b = Table.builder();
        long[] index = new long[n];
        for (int i = 0; i < n; i++) {
            index[i] = i;
        }
        b.longs("", index); // pandas' index column, as the reference writes it
        for (String c : data.columns()) {
            switch (data.type(c)) {
                case LONG -> b.longs(c, data.longs(c));
                case DOUBLE -> b.doubles(c, data.doubles(c));
                default -> b.strings(c, data.strings(c));
            }
        }
        String[] axes = {"x", "y", "z"};
        for (int d = 0; d < dims; d++) {
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = y[i][d];
            }
            b.doubles(axes[d], v);
        }
        Table table = b.build();
        double[][] xyz = new double[n][dims];
        for (int i = 0; i < n; i++) {
            System.arraycopy(y[i], 0, xyz[i], 0, dims);
        }
        ScatterPlot plot = new ScatterPlot(stem + " embeddings (" + (name.endsWith("_pca") ? "PCA" : "UMAP") + ")", xyz);
        for (String c : table.columns()) {
            if (c.isEmpty()) {
                continue;
            }
            String[] cells = table.strings(c);
            if (table.type(c) == Table.ColumnType.DOUBLE) {
                double[] v = table.doubles(c);
                for (int i = 0; i < n; i++) {
                    cells[i] = Double.isFinite(v[i]) && v[i] != Math.rint(v[i]) ? String.format(java.util.Locale.ROOT, "%.6g", v[i])
                            : PythonFloat.repr(v[i]);
                }
            }
            plot.hover(c, cells);
        }
        String colour = table.hasColumn("semantic_class_2") ? "semantic_class_2"
                : table.hasColumn("semantic_class") ? "semantic_class" : null;
        if (colour != null) {
            plot.colourByCategory(colour, table.strings(colour));
        } else if (table.hasColumn("log_area")) {
            plot.colourByValue("log_area", table.doubles("log_area"));
        }
        Path html = outFolder.resolve(name + ".html");
        plot.writeHtml(html, run.outputs());
        plot.writePng(outFolder.resolve(name + ".png"), run.outputs());
        Csv.write(outFolder.resolve(name + "_data.csv"), table, run.outputs());
        run.log().info("wrote " + html + " (and .png, _data.csv; " + n + " points)");
    }

    /** A file name from a list to its stem (the part before the extension, as the reference splits it). */
    static final class InputStem {
        static String of(String name, String ext) {
            return !ext.isEmpty() && name.contains(ext) ? name.substring(0, name.indexOf(ext)) : name;
        }
    }
}
