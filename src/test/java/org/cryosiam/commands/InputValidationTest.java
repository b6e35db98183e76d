package org.cryosiam.commands;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.UserErrors;
import org.cryosiam.config.Config;
import org.cryosiam.io.Csv;
import org.cryosiam.io.Hdf5;
import org.cryosiam.io.NdData;
import org.cryosiam.io.OutputSink;
import org.cryosiam.io.StarFile;
import org.cryosiam.io.Table;
import org.cryosiam.log.Log;
import org.cryosiam.CliRun;
import org.cryosiam.workflow.EmbeddingsFromCenters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Command inputs validated before any work, with one sentence naming the file (issue 20). */
class InputValidationTest {
    @TempDir
    Path dir;

    @Test
    void instanceDistancesMustBeFiniteAndOrdered() {
        String base = "parameters:\n  network:\n    threshold_foreground: 0.5\n";
        for (String bad : new String[] {"min_center_distance: 0\n    max_center_distance: .inf\n",
                "min_center_distance: -1.0e+30\n    max_center_distance: 2\n",
                "min_center_distance: 3\n    max_center_distance: 2\n",
                "min_center_distance: .nan\n    max_center_distance: 2\n"}) {
            Config c = Config.parse(base + "    " + bad, "my.yaml");
            CryosiamUserException e = assertThrows(CryosiamUserException.class,
                    () -> org.cryosiam.workflow.InstancePrediction.parameters(c));
            UserErrors.assertNames(e, "my.yaml", "min_center_distance <= max_center_distance");
        }
        // a huge but finite upper bound is fine: the marker search stops where the distances end
        Config ok = Config.parse(base + "    min_center_distance: 0\n    max_center_distance: 1.0e+30\n", "my.yaml");
        assertEquals(1e30, org.cryosiam.workflow.InstancePrediction.parameters(ok).maxCenterDistance(), 0);
    }

    // ---- particle lists -------------------------------------------------------------------------------------------

    @Test
    void aByteOrderMarkIsAccepted() throws IOException {
        Path star = Files.writeString(dir.resolve("bom.star"), "\uFEFFdata_\nloop_\n_rlnCoordinateX #1\n"
                + "_rlnCoordinateY #2\n_rlnCoordinateZ #3\n1 2 3\n");
        assertArrayEquals(new double[] {1}, StarFile.readTable(star).doubles("rlnCoordinateX"));
        Path csv = Files.writeString(dir.resolve("bom.csv"), "\uFEFFcentroid-0,centroid-1\r\n4,5\r\n");
        assertEquals(java.util.List.of("centroid-0", "centroid-1"), Csv.read(csv).columns());
        Path yaml = Files.writeString(dir.resolve("bom.yaml"), "\uFEFFk: 3\n");
        assertEquals(3, Config.load(yaml).integer("k"));
    }

    @Test
    void shortRowsAreRefusedWithTheirLine() throws IOException {
        Path csv = Files.writeString(dir.resolve("short.csv"), "label,centroid-0,centroid-1,centroid-2\n1,2,3,4\n"
                + "\n2,5,6\n");
        UserErrors.assertNames(assertThrows(CryosiamUserException.class, () -> Csv.read(csv)), csv,
                "line 4 (row 2) has 3 fields, the header has 4");
        Path star = Files.writeString(dir.resolve("short.star"), "data_\nloop_\n_rlnCoordinateX #1\n"
                + "_rlnCoordinateY #2\n_rlnCoordinateZ #3\n1 2 3\n4 5\n6 7 8\n");
        UserErrors.assertNames(assertThrows(CryosiamUserException.class, () -> StarFile.read(star)), star,
                "line 7", "2 values");
    }

    @Test
    void aBadFlagValueIsOneSentenceNotTheUsage() throws IOException {
        Path star = Files.writeString(dir.resolve("p.star"), "data_\nloop_\n_rlnCoordinateX #1\n_rlnCoordinateY #2\n"
                + "_rlnCoordinateZ #3\n1 2 3\n");
        Path tomo = ProcessingSupport.tomogram(dir.resolve("t.mrc"), 4, 4, 4, 1f);
        CliRun r = CliRun.run("processing_create_sphere_mask", "--coordinates_file", star.toString(), "--sphere_radius",
                "2.5", "--output_dir", dir.resolve("out").toString(), "--tomogram_path", tomo.toString());
        UserErrors.assertOneSentence(r, "--sphere_radius 2.5", "expected a whole number");
        r = CliRun.run("processing_invert_scale", "--input_path", tomo.toString(), "--output_path",
                dir.resolve("o.mrc").toString(), "--lower_end_percentage", "five");
        UserErrors.assertOneSentence(r, "--lower_end_percentage five", "expected a number");
    }

    @Test
    void absurdCoordinatesAreRefusedBeforeAnyMaskIsWritten() throws IOException {
        Path tomos = Files.createDirectories(dir.resolve("tomos"));
        ProcessingSupport.tomogram(tomos.resolve("TS_01.mrc"), 4, 4, 4, 1f);
        ProcessingSupport.tomogram(tomos.resolve("TS_02.mrc"), 4, 4, 4, 1f);
        Path star = Files.writeString(dir.resolve("p.star"), "data_\nloop_\n_rlnCoordinateX #1\n_rlnCoordinateY #2\n"
                + "_rlnCoordinateZ #3\n_rlnTomoName #4\n1 2 3 TS_01\n1 9223372036854775808 3 TS_02\n");
        Path out = dir.resolve("masks");
        CliRun r = CliRun.run("processing_create_sphere_mask", "--coordinates_file", star.toString(), "--sphere_radius",
                "1", "--output_dir", out.toString(), "--tomogram_path", tomos.toString());
        UserErrors.assertOneSentence(r, star, "row 2", "rlnCoordinateY", "not a voxel position");
        assertFalse(Files.exists(out.resolve("TS_01.mrc")), "no mask is written before every row is checked");
    }

    @Test
    void centresFilesNameTheTomogramByRlnTomoNameAndAreCheckedFirst() throws IOException {
        Path out = Files.createDirectories(dir.resolve("out"));
        Path star = Files.writeString(dir.resolve("c.star"), "data_\nloop_\n_rlnCoordinateZ #1\n_rlnCoordinateY #2\n"
                + "_rlnCoordinateX #3\n_rlnTomoName #4\n1 2 3 TS_01\n4 5 6 TS_02\n");
        Table t = EmbeddingsFromCenters.readCenters(star, out, null, Log.silent(), OutputSink.NONE);
        assertArrayEquals(new String[] {"TS_01", "TS_02"}, t.strings("tomo"));
        assertArrayEquals(new long[] {1, 2}, t.longs("label"));
        assertTrue(Files.exists(out.resolve("centers_with_labels.star")));
        // a coordinate no voxel has, and a column that is not numeric: refused before centers_with_labels is written
        Path out2 = Files.createDirectories(dir.resolve("out2"));
        Path bad = Files.writeString(dir.resolve("bad.star"), Files.readString(star).replace("4 5 6", "4 1e300 6"));
        UserErrors.assertNames(assertThrows(CryosiamUserException.class,
                () -> EmbeddingsFromCenters.readCenters(bad, out2, null, Log.silent(), OutputSink.NONE)), bad,
                "row 2", "not a voxel position");
        Path text = Files.writeString(dir.resolve("text.csv"), "tomo,centroid-0,centroid-1,centroid-2\nA,1,x,3\n");
        UserErrors.assertNames(assertThrows(CryosiamUserException.class,
                () -> EmbeddingsFromCenters.readCenters(text, out2, null, Log.silent(), OutputSink.NONE)), text,
                "'centroid-1' is not numeric");
        try (var s = Files.list(out2)) {
            assertEquals(0, s.count());
        }
    }

    // ---- embeddings and clustering --------------------------------------------------------------------------------

    private Path clusteringFolder(int dimA, int dimB) throws IOException {
        Path folder = Files.createDirectories(dir.resolve("embeds"));
        writeEmbeds(folder, "A", dimA, 4);
        writeEmbeds(folder, "B", dimB, 3);
        Path cfg = dir.resolve("cluster.yaml");
        Files.writeString(cfg, "prediction_folder: " + folder + "\nfile_extension: .mrc\nclustering_files: null\n"
                + "clustering_kmeans:\n  num_clusters: 2\n  visualization: false\n");
        return cfg;
    }

    private static void writeEmbeds(Path folder, String stem, int dim, int n) throws IOException {
        double[] e = new double[dim * n];
        for (int i = 0; i < e.length; i++) {
            e[i] = (i % n) * 10 + i * 0.01;
        }
        Hdf5.write(folder.resolve(stem + "_embeds.h5"), "embeddings", NdData.float64(e, dim, n));
        StringBuilder csv = new StringBuilder("label,area,centroid-0,centroid-1,centroid-2\n");
        for (int i = 1; i <= n; i++) {
            csv.append(i).append(",8,1.0,2.0,3.0\n");
        }
        Files.writeString(folder.resolve(stem + "_instance_regions.csv"), csv);
    }

    @Test
    void embeddingsOfDifferentWidthsAreRefusedBeforeAnythingIsWritten() throws IOException {
        Path cfg = clusteringFolder(4, 5);
        Path folder = dir.resolve("embeds");
        CliRun r = CliRun.run("--quiet", "simsiam_embeddings_kmeans_clustering", "--config_file", cfg.toString());
        UserErrors.assertOneSentence(r, folder.resolve("B_embeds.h5"), "dimension 5", "A_embeds.h5");
        assertFalse(Files.exists(folder.resolve("embeddings.h5")), "embeddings.h5 is written only after the checks");
        // the same widths cluster fine (and the embeddings are (dim, n) = (33, 13) or any other shape)
        Files.delete(folder.resolve("B_embeds.h5"));
        writeEmbeds(folder, "B", 4, 3);
        assertEquals(0, CliRun.run("--quiet", "simsiam_embeddings_kmeans_clustering", "--config_file", cfg.toString())
                .code());
        assertArrayEquals(new int[] {7, 4}, Hdf5.read(folder.resolve("embeddings.h5"), "embeddings").shape());
    }

    @Test
    void aReusedEmbeddingsFileMustAddUp() throws IOException {
        Path cfg = clusteringFolder(4, 4);
        Path folder = dir.resolve("embeds");
        Path all = folder.resolve("embeddings.h5");
        java.util.Map<String, NdData> ds = new java.util.LinkedHashMap<>();
        ds.put("embeddings", NdData.float64(new double[33 * 13], 33, 13));
        ds.put("number_of_samples", NdData.int64(new long[] {4, 3}, 2));
        Hdf5.write(all, ds);
        CliRun r = CliRun.run("--quiet", "simsiam_embeddings_kmeans_clustering", "--config_file", cfg.toString());
        UserErrors.assertOneSentence(r, all, "does not add up to its 33 embeddings");
        assertFalse(Files.exists(folder.resolve("kmeans_clusters.h5")));
        Hdf5.write(all, "embeddings", NdData.float64(new double[3], 3));
        UserErrors.assertOneSentence(CliRun.run("--quiet", "simsiam_embeddings_kmeans_clustering", "--config_file",
                cfg.toString()), all, "must be 2-D, found shape [3]");
    }

    /** Where _instance_labels.h5 is read (visualization): a non-HDF5 file, or labels not matching, is refused. */
    @Test
    void aDamagedInstanceLabelsFileIsRefused() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("embeds"));
        writeEmbeds(folder, "A", 4, 3);
        Path labels = folder.resolve("A_instance_labels.h5");
        Files.writeString(labels, "not HDF5\n");
        Path cfg = dir.resolve("vis.yaml");
        Files.writeString(cfg, "prediction_folder: " + folder + "\nfile_extension: .mrc\nvisualization_files: null\n"
                + "visualization:\n  prediction_folder: " + dir.resolve("vis") + "\n  distance: euclidean\n");
        UserErrors.assertOneSentence(CliRun.run("--quiet", "simsiam_visualize_embeddings", "--config_file",
                cfg.toString()), labels, "not a readable HDF5 file");
        Hdf5.write(labels, "labels", NdData.int64(new long[] {1, 2}, 2));
        UserErrors.assertOneSentence(CliRun.run("--quiet", "simsiam_visualize_embeddings", "--config_file",
                cfg.toString()), labels, "should hold the 3 integer labels");
        assertFalse(Files.exists(dir.resolve("vis").resolve("A_embeds_umap.html")));
    }

    @Test
    void postprocessingRefusesFloatLabelsNamingTheFile() throws IOException {
        Path data = Files.createDirectories(dir.resolve("data"));
        Path preds = Files.createDirectories(dir.resolve("preds"));
        Files.writeString(data.resolve("A.mrc"), "");
        Path h5 = preds.resolve("A_preds.h5");
        Hdf5.write(h5, "labels", NdData.float32(new float[] {0, 1, 1, 0}, 1, 2, 2));
        Path cfg = dir.resolve("post.yaml");
        Files.writeString(cfg, "data_folder: " + data + "\nprediction_folder: " + preds + "\nfile_extension: .mrc\n"
                + "parameters:\n  network:\n    postprocessing_sizes: [-1, 1]\n");
        UserErrors.assertOneSentence(CliRun.run("--quiet", "semantic_postprocessing", "--config_file", cfg.toString()),
                h5, "float32", "not integer class labels");
    }
}
