package org.cryosiam.commands;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.cryosiam.config.Config;
import org.cryosiam.io.Csv;
import org.cryosiam.io.Hdf5;
import org.cryosiam.io.NdData;
import org.cryosiam.io.StarFile;
import org.cryosiam.io.Table;
import org.cryosiam.zoo.RunRecord;

/**
 * The four files an embedding command writes per tomogram. {@code <stem>_embeds.h5} is written last: it is the
 * marker a resumed run skips on, so a run interrupted between files redoes the tomogram instead of leaving it
 * without its tables.
 */
final class EmbeddingOutputs {
    /** The names of the four files after the tomogram's stem. */
    static final String[] SUFFIXES = {"_embeds.h5", "_instance_labels.h5", "_instance_regions.csv",
            "_instance_regions.star"};

    private EmbeddingOutputs() {
    }

    static Path embedsFile(Path folder, String stem) {
        return folder.resolve(stem + "_embeds.h5");
    }

    /** What must be equal for an earlier output to stand for this run's. */
    private static final String[] SAME = {"cryosiam_command", "cryosiam_config_sha256", "cryosiam_model_sha256"};

    /**
     * True (and says so) when the tomogram was done by an earlier run of the same command with the same config text
     * and model, as the attributes of its {@code <stem>_embeds.h5} record ({@link RunRecord}): then it is reused, as
     * the reference does for resumability. An output of another command, config or model (or of an older version,
     * without those attributes) is recomputed.
     */
    static boolean alreadyDone(Path folder, String stem) {
        Path f = embedsFile(folder, stem);
        if (!Files.exists(f)) {
            return false;
        }
        RunRecord run = RunRecord.current();
        Map<String, String> now = run == null ? Map.of() : run.hdf5Attributes();
        Map<String, String> then = attributes(f);
        for (String key : SAME) {
            if (now.get(key) == null || !now.get(key).equals(then.get(key))) {
                CommandLog.info("recomputing " + stem + ": " + f + " was made by "
                        + (then.get(key) == null ? "an older or unknown run"
                        : "another " + key.replace("cryosiam_", "").replace("_sha256", "")));
                return false;
            }
        }
        CommandLog.info("reusing " + f + ": made by the same command, config and model (delete it to recompute)");
        return true;
    }

    /** The string attributes of a file's root group; empty when it cannot be read. */
    private static Map<String, String> attributes(Path file) {
        Map<String, String> out = new HashMap<>();
        try {
            Hdf5.attributes(file).forEach((k, v) -> out.put(k, String.valueOf(v)));
        } catch (RuntimeException e) {
            return Map.of();
        }
        return out;
    }

    /**
     * @param embeddings {@code [dim][n]}
     * @param labels     the n region labels
     * @param regions    the n region rows for {@code <stem>_instance_regions.csv}
     * @param star       the rows for {@code <stem>_instance_regions.star} (RELION names; RELION 5 blocks when the
     *                   config's star_format says so, on the tomogram {@code data_folder/<stem>})
     */
    static void write(Path folder, String stem, double[][] embeddings, long[] labels, Table regions,
            Csv.Dialect dialect, Table star, Config cfg) {
        int dim = embeddings.length;
        int n = labels.length;
        double[] flat = new double[dim * n];
        for (int d = 0; d < dim; d++) {
            System.arraycopy(embeddings[d], 0, flat, d * n, n);
        }
        Path labelsFile = folder.resolve(stem + "_instance_labels.h5");
        Hdf5.write(labelsFile, "labels", NdData.int64(labels, n));
        Path csv = folder.resolve(stem + "_instance_regions.csv");
        Csv.write(csv, regions, dialect);
        Path starFile = folder.resolve(stem + "_instance_regions.star");
        ParticleGrids.writeStar(starFile, star, cfg, name -> ParticleGrids.tomogramGrid(cfg, name), stem);
        Path embeds = embedsFile(folder, stem);
        Hdf5.write(embeds, "embeddings", NdData.float64(flat, dim, n));
        CommandLog.info("wrote " + embeds + ", " + labelsFile.getFileName() + ", " + csv.getFileName() + ", "
                + starFile.getFileName() + " (" + Words.count(n, "particle") + ")");
    }
}
