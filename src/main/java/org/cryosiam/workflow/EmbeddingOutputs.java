package org.cryosiam.workflow;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.cryosiam.config.Config;
import org.cryosiam.io.Csv;
import org.cryosiam.io.Hdf5;
import org.cryosiam.io.NdData;
import org.cryosiam.io.OutputSink;
import org.cryosiam.io.Table;
import org.cryosiam.log.Log;

/**
 * The four files an embedding command writes per tomogram. {@code <stem>_embeds.h5} is written last, so a run
 * interrupted between files leaves no embeddings that a rerun would take for finished ({@link Reruns}).
 */
public final class EmbeddingOutputs {
    /** The names of the four files after the tomogram's stem. */
    public static final String[] SUFFIXES = {"_embeds.h5", "_instance_labels.h5", "_instance_regions.csv",
            "_instance_regions.star"};

    private EmbeddingOutputs() {
    }

    public static Path embedsFile(Path folder, String stem) {
        return folder.resolve(stem + "_embeds.h5");
    }

    /** The four files of a tomogram, {@code <stem>_embeds.h5} first (a rerun names the first that differs). */
    public static List<Path> files(Path folder, String stem) {
        List<Path> out = new ArrayList<>();
        for (String suffix : SUFFIXES) {
            out.add(folder.resolve(stem + suffix));
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
    public static void write(Path folder, String stem, double[][] embeddings, long[] labels, Table regions,
            Csv.Dialect dialect, Table star, Config cfg, Log log, OutputSink outputs) {
        int dim = embeddings.length;
        int n = labels.length;
        double[] flat = new double[dim * n];
        for (int d = 0; d < dim; d++) {
            System.arraycopy(embeddings[d], 0, flat, d * n, n);
        }
        Path labelsFile = folder.resolve(stem + "_instance_labels.h5");
        Hdf5.write(labelsFile, "labels", NdData.int64(labels, n), outputs);
        Path csv = folder.resolve(stem + "_instance_regions.csv");
        Csv.write(csv, regions, dialect, outputs);
        Path starFile = folder.resolve(stem + "_instance_regions.star");
        ParticleGrids.writeStar(starFile, star, cfg, name -> ParticleGrids.tomogramGrid(cfg, name, log), stem,
                outputs);
        Path embeds = embedsFile(folder, stem);
        Hdf5.write(embeds, "embeddings", NdData.float64(flat, dim, n), outputs);
        log.info("wrote " + embeds + ", " + labelsFile.getFileName() + ", " + csv.getFileName() + ", "
                + starFile.getFileName() + " (" + Words.count(n, "particle") + ")");
    }
}
