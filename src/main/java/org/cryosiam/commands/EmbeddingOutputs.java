package org.cryosiam.commands;

import java.nio.file.Files;
import java.nio.file.Path;

import org.cryosiam.io.Csv;
import org.cryosiam.io.Hdf5;
import org.cryosiam.io.NdData;
import org.cryosiam.io.StarFile;
import org.cryosiam.io.Table;

/**
 * The four files an embedding command writes per tomogram. {@code <stem>_embeds.h5} is written last: it is the
 * marker a resumed run skips on, so a run interrupted between files redoes the tomogram instead of leaving it
 * without its tables.
 */
final class EmbeddingOutputs {
    private EmbeddingOutputs() {
    }

    static Path embedsFile(Path folder, String stem) {
        return folder.resolve(stem + "_embeds.h5");
    }

    /** True (and says so) when the tomogram was done by an earlier run. */
    static boolean alreadyDone(Path folder, String stem) {
        Path f = embedsFile(folder, stem);
        if (Files.exists(f)) {
            CommandLog.info("skipping " + stem + ": " + f + " exists");
            return true;
        }
        return false;
    }

    /**
     * @param embeddings {@code [dim][n]}
     * @param labels     the n region labels
     * @param regions    the n region rows for {@code <stem>_instance_regions.csv}
     * @param star       the rows for {@code <stem>_instance_regions.star} (RELION names)
     */
    static void write(Path folder, String stem, double[][] embeddings, long[] labels, Table regions,
            Csv.Dialect dialect, Table star) {
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
        StarFile.write(starFile, star);
        Path embeds = embedsFile(folder, stem);
        Hdf5.write(embeds, "embeddings", NdData.float64(flat, dim, n));
        CommandLog.info("wrote " + embeds + ", " + labelsFile.getFileName() + ", " + csv.getFileName() + ", "
                + starFile.getFileName() + " (" + n + " particles)");
    }
}
