package org.cryosiam.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.cryosiam.CliRun;
import org.cryosiam.Python;
import org.cryosiam.io.Hdf5;
import org.cryosiam.io.NdData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One particle list per cluster after clustering, on a hand-made prediction folder: two tomograms, five particles in
 * two clearly separated groups of embeddings, {A: TS_01 labels 1 and 3, TS_02 label 2; B: TS_01 label 2, TS_02
 * label 1}.
 */
class ClusterParticleListsTest {
    @TempDir
    Path dir;

    private Path folder() throws IOException {
        Path embeds = Files.createDirectories(dir.resolve("embeds"));
        Path tomos = Files.createDirectories(dir.resolve("tomos"));
        ProcessingSupport.tomogram(tomos.resolve("TS_01.mrc"), 10, 20, 30, 10f); // z, y, x
        ProcessingSupport.tomogram(tomos.resolve("TS_02.mrc"), 10, 20, 30, 10f);
        // embeddings are stored (dim, n)
        Hdf5.write(embeds.resolve("TS_01_embeds.h5"), "embeddings", NdData.float64(new double[] {
            0, 10, 0.1, // dimension 0 of particles 1, 2, 3
            0, 10, 0.2}, 2, 3));
        Hdf5.write(embeds.resolve("TS_02_embeds.h5"), "embeddings", NdData.float64(new double[] {10.1, 0.3, 9.9, 0.1},
                2, 2));
        Files.writeString(embeds.resolve("TS_01_instance_regions.csv"), "label,area,centroid-0,centroid-1,centroid-2\n"
                + "1,10,2.0,3.0,4.0\n2,10,5.0,6.0,7.0\n3,10,8.0,9.0,10.0\n");
        Files.writeString(embeds.resolve("TS_02_instance_regions.csv"), "label,area,centroid-0,centroid-1,centroid-2\n"
                + "1,10,1.0,1.0,1.0\n2,10,5.0,10.0,15.0\n");
        return embeds;
    }

    private Path config(String extra) throws IOException {
        return Files.writeString(dir.resolve("cluster.yaml"), "prediction_folder: " + dir.resolve("embeds") + "\n"
                + "data_folder: " + dir.resolve("tomos") + "\nfile_extension: .mrc\nclustering_files: null\n"
                + "clustering_kmeans:\n  num_clusters: 2\n  visualization: false\n" + extra);
    }

    /** The cluster number of the list that holds TS_01's label 1 (group A), and the other's. */
    private static int[] clustersAB(Path embeds, String method) {
        long[] c = Hdf5.read(embeds.resolve(method + "_clusters.h5"), "clusters").toLongArray();
        return new int[] {(int) c[0], (int) c[1]};
    }

    @Test
    void relion5ListPerClusterAndCopickPicksPerCluster() throws IOException {
        Path embeds = folder();
        Path overlay = dir.resolve("copick");
        Path copick = Files.writeString(dir.resolve("copick.json"), "{\"config_type\": \"filesystem\", "
                + "\"pickable_objects\": [{\"name\": \"ribosome\", \"is_particle\": true, \"label\": 1}], "
                + "\"overlay_root\": \"local://" + overlay.toAbsolutePath() + "\"}");
        Path cfg = config("star_format: relion5\ncopick_config: " + copick + "\ncopick_voxel_spacing: 10.0\n"
                + "copick_object: ribosome\ncopick_user_id: tester\n");
        CliRun r = CliRun.run("simsiam_embeddings_kmeans_clustering", "--config_file", cfg.toString());
        assertEquals(0, r.code(), r.err());
        int[] ab = clustersAB(embeds, "kmeans");
        assertTrue(ab[0] != ab[1], "two groups, two clusters");
        assertTrue(!r.err().contains("copick_object"), "a known key, no warning: " + r.err());
        Path listA = embeds.resolve("kmeans_cluster_" + ab[0] + "_particles.star");
        Path listB = embeds.resolve("kmeans_cluster_" + ab[1] + "_particles.star");
        assertTrue(r.err().contains("wrote " + listA + " (3 particles)"), r.err());
        // RELION 5 reads them (the starfile-free check: the blocks and the centred Å of TS_02 label 2 on 30x20x10)
        String seen = Python.run("import sys\n"
                + "for f in sys.argv[1:]:\n"
                + "  text = open(f).read()\n"
                + "  assert 'data_optics' in text and 'data_particles' in text, text\n"
                + "  rows = [l.split() for l in text.split('data_particles')[1].splitlines() if l.strip() and "
                + "not l.startswith(('_', 'loop_'))]\n"
                + "  print(len(rows), sorted(r[0] for r in rows))\n", listA, listB);
        assertEquals("3 ['TS_01', 'TS_01', 'TS_02']\n2 ['TS_01', 'TS_02']", seen);
        Map<String, org.cryosiam.io.Table> a = org.cryosiam.io.StarFile.read(listA);
        org.cryosiam.io.Table p = a.get("particles");
        int row = Arrays.asList(p.strings("rlnTomoName")).indexOf("TS_02");
        assertEquals((15.0 - 15) * 10, p.doubles("rlnCenteredCoordinateXAngst")[row]);
        assertEquals((10.0 - 10) * 10, p.doubles("rlnCenteredCoordinateYAngst")[row]);
        assertEquals((5.0 - 5) * 10, p.doubles("rlnCenteredCoordinateZAngst")[row]);
        assertEquals(ab[0], p.longs("rlnClass")[row]);
        long[] labels = p.longs("rlnLabel");
        Arrays.sort(labels);
        assertEquals("[1, 2, 3]", Arrays.toString(labels), "TS_01 labels 1 and 3, TS_02 label 2");
        // copick: one pick set per cluster (session 0-cluster<k>) of the object the particles are, per run
        Path picks = overlay.resolve("ExperimentRuns/TS_02/Picks/tester_0-cluster" + ab[1] + "_ribosome.json");
        assertEquals("ribosome 0-cluster" + ab[1] + " [[10.0, 10.0, 10.0]]", Python.run("import sys, json\n"
                + "p = json.load(open(sys.argv[1]))\n"
                + "print(p['pickable_object_name'], p['session_id'], [[q['location'][a] for a in 'xyz'] for q in "
                + "p['points']])", picks));
    }

    @Test
    void referenceFormatListsAndACopickProjectWithoutObjectIsAWarning() throws IOException {
        Path embeds = folder();
        Path copick = Files.writeString(dir.resolve("copick.json"), "{\"config_type\": \"filesystem\", "
                + "\"pickable_objects\": [], \"overlay_root\": \"local://" + dir.resolve("copick") + "\"}");
        Path cfg = config("copick_config: " + copick + "\ncopick_voxel_spacing: 10.0\n");
        CliRun r = CliRun.run("simsiam_embeddings_kmeans_clustering", "--config_file", cfg.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("copick_object is not set, so no copick picks are written per cluster"), r.err());
        int[] ab = clustersAB(embeds, "kmeans");
        org.cryosiam.io.Table b = org.cryosiam.io.StarFile.readTable(embeds.resolve("kmeans_cluster_" + ab[1]
                + "_particles.star"));
        assertEquals(List.of("rlnLabel", "rlnCoordinateZ", "rlnCoordinateY", "rlnCoordinateX", "rlnMicrographName",
                "rlnClass"), b.columns());
        assertEquals("[TS_01, TS_02] [2, 1] [7.0, 1.0]", Arrays.toString(b.strings("rlnMicrographName")) + " "
                + Arrays.toString(b.longs("rlnLabel")) + " " + Arrays.toString(b.doubles("rlnCoordinateX")));
    }
}
