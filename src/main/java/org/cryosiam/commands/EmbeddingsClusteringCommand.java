package org.cryosiam.commands;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.config.Config;
import org.cryosiam.io.Csv;
import org.cryosiam.io.Hdf5;
import org.cryosiam.io.NdData;
import org.cryosiam.io.StarFile;
import org.cryosiam.io.Table;
import org.cryosiam.viz.EmbeddingPlots;

/**
 * The two clustering commands (spec/commands.md): stack the per-tomogram embeddings (reusing {@code embeddings.h5}),
 * cluster, and write the method's cluster file, per tomogram {@code <stem>_clusters_<method>.h5} and the regions
 * table with {@code semantic_class} as CSV and STAR; with {@code visualization: true} also the UMAP scatter coloured
 * by cluster.
 */
abstract class EmbeddingsClusteringCommand extends ConfigCommand {
    /** Our seed: the reference's clusterings are unseeded; ours are reproducible. */
    static final long SEED = 0;

    /** {@code kmeans} or {@code spectral}: the file names' and the config section's key. */
    abstract String method();

    /** Cluster labels (as written) and the extra datasets of {@code <method>_clusters.h5} besides {@code clusters}. */
    abstract int[] cluster(double[][] embeddings, Config section, Map<String, NdData> extra);

    @Override
    public boolean takesFilename() {
        return false;
    }

    @Override
    protected void run(Config cfg) {
        Path folder = cfg.path("prediction_folder");
        String ext = cfg.string("file_extension", "");
        Config section = cfg.section("clustering_" + method());
        List<String> stems = stems(folder, cfg.stringListOrNull("clustering_files"), ext);
        if (stems.isEmpty()) {
            throw new CryosiamUserException(folder + ": no *_embeds.h5 files to cluster.");
        }
        Path all = folder.resolve("embeddings.h5");
        double[][] x;
        long[] counts;
        if (Files.exists(all)) {
            NdData e = Hdf5.read(all, "embeddings");
            counts = Hdf5.read(all, "number_of_samples").toLongArray();
            x = rows(e);
            CommandLog.info("reusing " + all + " (" + Words.count(x.length, "embedding") + ")");
        } else {
            List<double[]> list = new ArrayList<>();
            counts = new long[stems.size()];
            for (int f = 0; f < stems.size(); f++) {
                NdData e = Hdf5.read(folder.resolve(stems.get(f) + "_embeds.h5"), "embeddings");
                double[][] cols = rows(e); // [dim][n] stored; rows() gives [dim][n] -> transpose below
                int dim = cols.length;
                int n = dim == 0 ? 0 : cols[0].length;
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
            int dim = x.length == 0 ? 0 : x[0].length;
            double[] flat = new double[x.length * dim];
            for (int i = 0; i < x.length; i++) {
                System.arraycopy(x[i], 0, flat, i * dim, dim);
            }
            Map<String, NdData> ds = new LinkedHashMap<>();
            ds.put("embeddings", NdData.float64(flat, x.length, dim));
            ds.put("number_of_samples", NdData.int64(counts, counts.length));
            Hdf5.write(all, ds);
            CommandLog.info("wrote " + all + " (" + Words.count(x.length, "embedding") + " from " + Words.count(stems.size(), "tomogram") + ")");
        }
        if (x.length == 0) {
            throw new CryosiamUserException(all + ": no embeddings to cluster.");
        }
        if (counts.length != stems.size()) {
            throw new CryosiamUserException(all + ": holds embeddings of " + counts.length + " tomograms, but "
                    + stems.size() + " are listed; delete it to rebuild it from the *_embeds.h5 files.");
        }
        Map<String, NdData> extra = new LinkedHashMap<>();
        int[] clusters = cluster(x, section, extra);
        Map<String, NdData> ds = new LinkedHashMap<>();
        ds.put("clusters", NdData.int32(clusters, clusters.length));
        ds.putAll(extra);
        Path out = folder.resolve(method() + "_clusters.h5");
        Hdf5.write(out, ds);
        CommandLog.info("wrote " + out + " (" + Words.count(java.util.Arrays.stream(clusters).distinct().count(), "cluster") + ")");

        int start = 0;
        List<String> pointNames = new ArrayList<>();
        for (int f = 0; f < stems.size(); f++) {
            String stem = stems.get(f);
            int n = (int) counts[f];
            int[] mine = java.util.Arrays.copyOfRange(clusters, start, start + n);
            start += n;
            Hdf5.write(folder.resolve(stem + "_clusters_" + method() + ".h5"), "predictions", NdData.int32(mine, n));
            Path regionsFile = folder.resolve(stem + "_instance_regions.csv");
            Table regions = Csv.read(regionsFile);
            if (regions.rowCount() != n) {
                throw new CryosiamUserException(regionsFile + ": " + regions.rowCount() + " rows, but " + n
                        + " embeddings for " + stem + ".");
            }
            Table clustered = regions.toBuilder().ints("semantic_class", mine).build();
            String base = stem + "_instance_regions_" + method() + "_clustered";
            Csv.write(folder.resolve(base + ".csv"), clustered);
            StarFile.write(folder.resolve(base + ".star"), clustered.renamed(RegionTables.STAR_NAMES));
            for (String label : regions.strings("label")) {
                pointNames.add(stem + ext + "_" + label);
            }
            CommandLog.info("wrote " + base + ".csv/.star and " + stem + "_clusters_" + method() + ".h5");
        }
        if (section.bool("visualization", false)) {
            int limit = Math.min(20000, x.length);
            EmbeddingPlots.clusters(java.util.Arrays.copyOf(x, limit), java.util.Arrays.copyOf(clusters, limit),
                    pointNames.subList(0, limit), folder.resolve(method() + "_clusters.html"), SEED);
        }
    }

    /** A 2-D dataset as rows of doubles. */
    static double[][] rows(NdData e) {
        int[] s = e.shape();
        if (s.length != 2) {
            throw new CryosiamUserException("embeddings must be 2-D, found shape " + java.util.Arrays.toString(s) + ".");
        }
        double[] flat = e.toDoubleArray();
        double[][] out = new double[s[0]][s[1]];
        for (int i = 0; i < s[0]; i++) {
            System.arraycopy(flat, i * s[1], out[i], 0, s[1]);
        }
        return out;
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
