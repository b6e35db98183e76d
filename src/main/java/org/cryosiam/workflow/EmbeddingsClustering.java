package org.cryosiam.workflow;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.cluster.Graph;
import org.cryosiam.cluster.KMeans;
import org.cryosiam.cluster.SpectralClustering;
import org.cryosiam.config.Config;
import org.cryosiam.io.Csv;
import org.cryosiam.io.Hdf5;
import org.cryosiam.io.NdData;
import org.cryosiam.io.Table;
import org.cryosiam.viz.EmbeddingPlots;

/**
 * The two clustering steps (spec/commands.md): stack the per-tomogram embeddings (reusing {@code embeddings.h5}),
 * cluster, and write the method's cluster file, per tomogram {@code <stem>_clusters_<method>.h5} and the regions
 * table with {@code semantic_class} as CSV and STAR; with {@code visualization: true} also the UMAP scatter coloured
 * by cluster.
 */
public final class EmbeddingsClustering {
    public static final String KMEANS_NAME = "simsiam_embeddings_kmeans_clustering";
    public static final String SPECTRAL_NAME = "simsiam_embeddings_spectral_clustering";
    /** k-means++ seeding, 10 seeded restarts. */
    public static final Step KMEANS = step(KMEANS_NAME, Method.KMEANS);
    /** 10-NN graph, optional eigengap estimate of k; labels from 1, as the reference writes them. */
    public static final Step SPECTRAL = step(SPECTRAL_NAME, Method.SPECTRAL);

    /** Our seed: the reference's clusterings are unseeded; ours are reproducible. */
    static final long SEED = 0;

    /** The clustering methods; {@link #key} names their files and config section. */
    public enum Method {
        KMEANS("kmeans"), SPECTRAL("spectral");

        final String key;

        Method(String key) {
            this.key = key;
        }
    }

    /**
     * What the step reads from its config.
     *
     * @param config  the config itself, for the STAR options
     * @param section {@code clustering_<method>}
     * @param files   {@code clustering_files}, or null: every {@code *_embeds.h5}
     */
    public record Settings(Config config, Path folder, String ext, Config section, List<String> files) {
        public static Settings from(Config cfg, Method method) {
            ParticleGrids.checkWithTomograms(cfg); // a bad star_format is reported before any work
            return new Settings(cfg, cfg.path("prediction_folder"), cfg.string("file_extension", ""),
                    cfg.section("clustering_" + method.key), cfg.stringListOrNull("clustering_files"));
        }
    }

    private final Settings settings;
    private final Method method;
    private final StepRun run;

    public EmbeddingsClustering(Settings settings, Method method, StepRun run) {
        this.settings = settings;
        this.method = method;
        this.run = run;
    }

    private static Step step(String name, Method method) {
        return Step.of(name, (cfg, run) -> new EmbeddingsClustering(Settings.from(cfg, method), method, run).run())
                .wholeFolder();
    }

    /** The method's name in file names and the config. */
    private String method() {
        return method.key;
    }

    /** Cluster labels (as written) and the extra datasets of {@code <method>_clusters.h5} besides {@code clusters}. */
    private int[] cluster(double[][] x, Config section, Map<String, NdData> extra) {
        int k = section.integer("num_clusters");
        if (k < 1 || k > x.length) {
            throw new CryosiamUserException(section.source() + ": clustering_" + method.key + ".num_clusters = " + k
                    + " must be between 1 and the number of embeddings (" + x.length + ").");
        }
        return switch (method) {
            case KMEANS -> {
                KMeans.Result r = KMeans.fit(x, k, 10, 1000, SEED);
                int dim = x[0].length;
                double[] centers = new double[k * dim];
                for (int c = 0; c < k; c++) {
                    System.arraycopy(r.centers()[c], 0, centers, c * dim, dim);
                }
                extra.put("centers", NdData.float64(centers, k, dim));
                yield r.labels();
            }
            case SPECTRAL -> {
                Graph g = SpectralClustering.affinity(x);
                if (section.bool("estimate_num_clusters", false)) {
                    k = SpectralClustering.estimateClusters(g, k, SEED);
                    run.log().info("estimated number of clusters (largest eigengap): " + k);
                }
                int[] labels = SpectralClustering.fit(g, k, SEED);
                for (int i = 0; i < labels.length; i++) {
                    labels[i]++;
                }
                yield labels;
            }
        };
    }

    public void run() {
        Config cfg = settings.config();
        Path folder = settings.folder();
        String ext = settings.ext();
        Config section = settings.section();
        List<String> stems = stems(folder, settings.files(), ext);
        if (stems.isEmpty()) {
            throw new CryosiamUserException(folder + ": no *_embeds.h5 files to cluster.");
        }
        Path all = folder.resolve("embeddings.h5");
        // every input is read and checked before anything is written (a bad file never leaves half the outputs)
        boolean reuse = Files.exists(all);
        double[][] x;
        long[] counts;
        if (reuse) {
            x = rows(all, Hdf5.read(all, "embeddings"));
            counts = sampleCounts(all, Hdf5.read(all, "number_of_samples"), x.length, stems.size());
            run.log().info("reusing " + all + " (" + Words.count(x.length, "embedding") + ")");
        } else {
            List<double[]> list = new ArrayList<>();
            counts = new long[stems.size()];
            Path first = null;
            int firstDim = -1;
            for (int f = 0; f < stems.size(); f++) {
                Path file = folder.resolve(stems.get(f) + "_embeds.h5");
                double[][] cols = rows(file, Hdf5.read(file, "embeddings")); // stored (dim, n)
                int dim = cols.length;
                int n = dim == 0 ? 0 : cols[0].length;
                if (n > 0 && firstDim >= 0 && dim != firstDim) {
                    throw new CryosiamUserException(file + ": embeddings of dimension " + dim + ", but " + first
                            + " has " + firstDim + "; all tomograms must come from the same model.");
                }
                if (n > 0 && firstDim < 0) {
                    first = file;
                    firstDim = dim;
                }
                for (int i = 0; i < n; i++) {
                    double[] v = new double[dim];
                    for (int d = 0; d < dim; d++) {
                        v[d] = cols[d][i];
                    }
                    list.add(v);
                }
                counts[f] = n;
            }
            x = list.toArray(double[][]::new);
        }
        if (x.length == 0) {
            throw new CryosiamUserException(all + ": no embeddings to cluster.");
        }
        if (x[0].length == 0) {
            throw new CryosiamUserException(all + ": the embeddings have dimension 0.");
        }
        Table[] regions = new Table[stems.size()];
        for (int f = 0; f < stems.size(); f++) {
            Path regionsFile = folder.resolve(stems.get(f) + "_instance_regions.csv");
            regions[f] = Csv.read(regionsFile);
            if (regions[f].rowCount() != counts[f]) {
                throw new CryosiamUserException(regionsFile + ": " + regions[f].rowCount() + " rows, but "
                        + counts[f] + " embeddings for " + stems.get(f) + ".");
            }
            if (!regions[f].hasColumn("label")) {
                throw new CryosiamUserException(regionsFile + ": no column 'label'.");
            }
        }
        Map<String, NdData> extra = new LinkedHashMap<>();
        int[] clusters = cluster(x, section, extra); // checks its parameters against the data first
        if (!reuse) {
            int dim = x[0].length;
            double[] flat = new double[x.length * dim];
            for (int i = 0; i < x.length; i++) {
                System.arraycopy(x[i], 0, flat, i * dim, dim);
            }
            Map<String, NdData> ds = new LinkedHashMap<>();
            ds.put("embeddings", NdData.float64(flat, x.length, dim));
            ds.put("number_of_samples", NdData.int64(counts, counts.length));
            Hdf5.write(all, ds, run.outputs());
            run.log().info("wrote " + all + " (" + Words.count(x.length, "embedding") + " from " + Words.count(stems.size(), "tomogram") + ")");
        }
        Map<String, NdData> ds = new LinkedHashMap<>();
        ds.put("clusters", NdData.int32(clusters, clusters.length));
        ds.putAll(extra);
        Path out = folder.resolve(method() + "_clusters.h5");
        Hdf5.write(out, ds, run.outputs());
        run.log().info("wrote " + out + " (" + Words.count(java.util.Arrays.stream(clusters).distinct().count(), "cluster") + ")");

        int start = 0;
        List<String> pointNames = new ArrayList<>();
        List<Table> clusteredTables = new ArrayList<>();
        for (int f = 0; f < stems.size(); f++) {
            String stem = stems.get(f);
            int n = (int) counts[f];
            int[] mine = java.util.Arrays.copyOfRange(clusters, start, start + n);
            start += n;
            Hdf5.write(folder.resolve(stem + "_clusters_" + method() + ".h5"), "predictions", NdData.int32(mine, n),
                    run.outputs());
            Table clustered = regions[f].toBuilder().ints("semantic_class", mine).build();
            clusteredTables.add(clustered);
            String base = stem + "_instance_regions_" + method() + "_clustered";
            Csv.write(folder.resolve(base + ".csv"), clustered, run.outputs());
            ParticleGrids.writeStar(folder.resolve(base + ".star"), clustered.renamed(RegionTables.STAR_NAMES), cfg,
                    name -> ParticleGrids.tomogramGrid(cfg, name, run.log()), stem, run.outputs());
            for (String label : regions[f].strings("label")) {
                pointNames.add(stem + ext + "_" + label);
            }
            run.log().info("wrote " + base + ".csv/.star and " + stem + "_clusters_" + method() + ".h5");
        }
        writePerCluster(cfg, folder, stems, clusteredTables);
        if (section.bool("visualization", false)) {
            int limit = Math.min(20000, x.length);
            EmbeddingPlots.clusters(java.util.Arrays.copyOf(x, limit), java.util.Arrays.copyOf(clusters, limit),
                    pointNames.subList(0, limit), folder.resolve(method() + "_clusters.html"), SEED, run.log(),
                    run.outputs());
        }
    }

    /**
     * One particle list per cluster over all tomograms, for averaging each class on its own (RELION 5, copick):
     * {@code <method>_cluster_<k>_particles.star} in the configured {@code star_format} (the tomogram in
     * {@code rlnMicrographName}, the instance in {@code rlnLabel}, the cluster in {@code rlnClass}), and copick picks
     * per cluster where the copick keys are set ({@link Copick#writeClusterPicks}).
     */
    private void writePerCluster(Config cfg, Path folder, List<String> stems, List<Table> clustered) {
        java.util.TreeMap<Integer, List<int[]>> rowsOf = new java.util.TreeMap<>(); // cluster → (tomogram, row)
        for (int f = 0; f < stems.size(); f++) {
            int[] c = clustered.get(f).ints("semantic_class");
            for (int i = 0; i < c.length; i++) {
                rowsOf.computeIfAbsent(c[i], k -> new ArrayList<>()).add(new int[] {f, i});
            }
        }
        String copickObject = Copick.clusterObject(run.log(), cfg); // checked before any list is written
        // each table's columns once (Table hands out copies): per tomogram {label} and {z, y, x} centroids
        List<long[]> labels = new ArrayList<>();
        List<double[][]> centroids = new ArrayList<>();
        for (Table t : clustered) {
            labels.add(t.longs("label"));
            centroids.add(new double[][] {t.doubles("centroid-0"), t.doubles("centroid-1"), t.doubles("centroid-2")});
        }
        for (Map.Entry<Integer, List<int[]>> e : rowsOf.entrySet()) {
            List<int[]> rows = e.getValue();
            int n = rows.size();
            String[] tomo = new String[n];
            long[] label = new long[n];
            double[][] zyx = new double[3][n];
            for (int i = 0; i < n; i++) {
                int f = rows.get(i)[0];
                int r = rows.get(i)[1];
                tomo[i] = stems.get(f);
                label[i] = labels.get(f)[r];
                for (int a = 0; a < 3; a++) {
                    zyx[a][i] = centroids.get(f)[a][r];
                }
            }
            long[] cluster = new long[n];
            java.util.Arrays.fill(cluster, e.getKey());
            Table star = Table.builder().longs("rlnLabel", label).doubles("rlnCoordinateZ", zyx[0])
                    .doubles("rlnCoordinateY", zyx[1]).doubles("rlnCoordinateX", zyx[2])
                    .strings("rlnMicrographName", tomo).longs("rlnClass", cluster).build();
            Path file = folder.resolve(method() + "_cluster_" + e.getKey() + "_particles.star");
            ParticleGrids.writeStar(file, star, cfg, name -> ParticleGrids.tomogramGrid(cfg, name, run.log()), null,
                    run.outputs());
            run.log().info("wrote " + file + " (" + Words.count(n, "particle") + ")");
            if (copickObject != null) {
                Copick.writeClusterPicks(run.log(), cfg, copickObject, e.getKey(), stems, tomo, zyx[0], zyx[1],
                        zyx[2], run.outputs());
            }
        }
    }

    /** A 2-D dataset of {@code file} as rows of doubles; every value must be finite (k-means and UMAP need it). */
    static double[][] rows(Path file, NdData e) {
        int[] s = e.shape();
        if (s.length != 2) {
            throw new CryosiamUserException(file + ": the embeddings must be 2-D, found shape "
                    + java.util.Arrays.toString(s) + ".");
        }
        double[] flat = e.toDoubleArray();
        for (int i = 0; i < flat.length; i++) {
            if (!Double.isFinite(flat[i])) {
                throw new CryosiamUserException(file + ": the embeddings hold " + flat[i] + " at row " + (i / s[1])
                        + ", column " + (i % s[1]) + ".");
            }
        }
        double[][] out = new double[s[0]][s[1]];
        for (int i = 0; i < s[0]; i++) {
            System.arraycopy(flat, i * s[1], out[i], 0, s[1]);
        }
        return out;
    }

    /** {@code number_of_samples} of {@code embeddings.h5}: one count per tomogram, adding up to the rows. */
    private static long[] sampleCounts(Path all, NdData c, int rows, int tomograms) {
        long[] counts = c.toLongArray();
        long sum = 0;
        for (long n : counts) {
            if (n < 0 || n > rows) {
                sum = -1;
                break;
            }
            sum += n;
        }
        if (c.rank() != 1 || c.type().floating() || sum != rows) {
            throw new CryosiamUserException(all + ": number_of_samples " + (c.rank() == 1 && counts.length <= 10
                    ? java.util.Arrays.toString(counts) : "of shape " + java.util.Arrays.toString(c.shape()))
                    + " does not add up to its " + rows + " embeddings; delete it to rebuild it from the *_embeds.h5 "
                    + "files.");
        }
        if (counts.length != tomograms) {
            throw new CryosiamUserException(all + ": holds embeddings of " + counts.length + " tomograms, but "
                    + tomograms + " are listed; delete it to rebuild it from the *_embeds.h5 files.");
        }
        return counts;
    }

    /** {@code clustering_files} (names with or without the extension) or every {@code *_embeds.h5}; sorted stems. */
    static List<String> stems(Path folder, List<String> given, String ext) {
        List<String> stems = new ArrayList<>();
        if (given != null) {
            for (String g : given) {
                stems.add(!ext.isEmpty() && g.contains(ext) ? g.substring(0, g.indexOf(ext)) : g);
            }
        } else {
            if (!Files.isDirectory(folder)) {
                throw new CryosiamUserException(folder + ": prediction folder not found.");
            }
            try (Stream<Path> s = Files.list(folder)) {
                s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith("_embeds.h5"))
                        .forEach(n -> stems.add(n.substring(0, n.length() - "_embeds.h5".length())));
            } catch (IOException e) {
                throw new CryosiamUserException(folder + ": cannot list (" + e.getMessage() + ").");
            }
        }
        java.util.Collections.sort(stems);
        return stems;
    }
}
