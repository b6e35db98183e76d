package org.cryosiam.commands;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.cryosiam.FixtureStep;
import org.cryosiam.Fixtures;
import org.cryosiam.io.MrcReader;
import org.cryosiam.io.OutputSink;
import org.cryosiam.io.Relion5Particles;
import org.cryosiam.io.StarFile;
import org.cryosiam.io.Table;
import org.cryosiam.log.Log;
import org.cryosiam.workflow.EmbeddingsFromCenters;
import org.cryosiam.workflow.ParticleGrids;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 item 1 through the CLI: {@code star_format: relion5} on the pipeline case, and RELION 5 particle files
 * read by the commands that take particle lists, giving what the reference's voxel files give.
 */
class Relion5StarTest {
    private static final String STEP = "semantic_to_centers configs/particles.yaml";

    @TempDir
    Path dir;

    private FixtureStep relion5Centers(String extra) throws IOException {
        FixtureStep step = new FixtureStep(Fixtures.pipelineSmall(), dir).before(STEP);
        Path cfg = step.work.resolve("configs/particles.yaml");
        Files.writeString(cfg, Files.readString(cfg) + "star_format: relion5\nvoltage: 300\n" + extra);
        ProcessingSupport.Result r = ProcessingSupport.run("--quiet", "semantic_to_centers", "--config_file",
                cfg.toString());
        r.assertOk();
        return step;
    }

    @Test
    void semanticToCentersWritesRelion5ThatMapsBackToTheReferenceVoxels() throws IOException {
        FixtureStep step = relion5Centers("");
        Path star = step.actual("particles/labels_2_particles.star");
        Map<String, Table> blocks = StarFile.read(star);
        Table optics = blocks.get("optics");
        assertEquals(List.of("rlnOpticsGroup", "rlnOpticsGroupName", "rlnTomoTiltSeriesPixelSize", "rlnVoltage"),
                optics.columns());
        assertArrayEquals(new double[] {13.48}, optics.doubles("rlnTomoTiltSeriesPixelSize"), "from the headers");
        Table got = blocks.get("particles");
        assertEquals(List.of("rlnTomoName", "rlnCenteredCoordinateXAngst", "rlnCenteredCoordinateYAngst",
                "rlnCenteredCoordinateZAngst", "rlnOpticsGroup", "rlnLabel", "rlnArea"), got.columns());

        // every row is the reference's voxel centroid, moved to the tomogram's centre and scaled to Å
        Table want = StarFile.readTable(step.expected("particles/labels_2_particles.star"));
        assertEquals(want.rowCount(), got.rowCount());
        Map<String, Integer> row = new HashMap<>();
        for (int i = 0; i < got.rowCount(); i++) {
            row.put(got.strings("rlnTomoName")[i] + "/" + got.longs("rlnLabel")[i], i);
        }
        String[] axes = {"X", "Y", "Z"};
        for (int i = 0; i < want.rowCount(); i++) {
            String tomo = want.strings("rlnMicrographName")[i];
            int j = row.get(tomo + "/" + want.longs("rlnLabel")[i]);
            org.cryosiam.io.MrcHeader h = MrcReader.readHeader(step.work.resolve("out/denoised/" + tomo + ".mrc"));
            int[] size = {h.nx(), h.ny(), h.nz()};
            for (int a = 0; a < 3; a++) {
                double v = want.doubles("rlnCoordinate" + axes[a])[i];
                assertEquals((v - size[a] / 2.0) * 13.48, got.doubles("rlnCenteredCoordinate" + axes[a] + "Angst")[j],
                        1e-9, tomo + " row " + i + " " + axes[a]);
            }
        }

        // the processing commands read it as the same particles: identical masks from both files
        Path masks5 = dir.resolve("masks5"), masks4 = dir.resolve("masks4");
        Path tomograms = step.work.resolve("out/denoised");
        ProcessingSupport.run("--quiet", "processing_create_sphere_mask", "--coordinates_file", star.toString(),
                "--sphere_radius", "2", "--output_dir", masks5.toString(), "--tomogram_path", tomograms.toString())
                .assertOk();
        ProcessingSupport.run("--quiet", "processing_create_sphere_mask", "--coordinates_file",
                step.expected("particles/labels_2_particles.star").toString(), "--sphere_radius", "2",
                "--output_dir", masks4.toString(), "--tomogram_path", tomograms.toString()).assertOk();
        for (String t : List.of("TS_01.mrc", "TS_02.mrc")) {
            assertArrayEquals(ProcessingSupport.mask(masks4.resolve(t)), ProcessingSupport.mask(masks5.resolve(t)), t);
        }

        // and the embedding command's centre reader gives the reference's voxel centroids
        Table centres = EmbeddingsFromCenters.readCenters(star, dir.resolve("centres"),
                (name, file) -> ParticleGrids.grid(tomograms.resolve(name + ".mrc"), null, file, Log.silent()),
                Log.silent(),
                OutputSink.NONE);
        Table reference = EmbeddingsFromCenters.readCenters(step.expected("particles/labels_2_particles.star"),
                dir.resolve("centres4"), null, Log.silent(), OutputSink.NONE);
        for (String c : List.of("centroid-0", "centroid-1", "centroid-2")) {
            double[] a = sortedBy(reference, c), b = sortedBy(centres, c);
            assertArrayEquals(a, b, 1e-6, c);
        }
    }

    @Test
    void embeddingsFromRelion5CentresMatchTheReference() throws IOException {
        String name = "simsiam_embeddings_from_centers_predict configs/embeddings_centers.yaml";
        FixtureStep step = new FixtureStep(Fixtures.pipelineSmall(), dir).before(name);
        // the reference's centres rewritten as RELION 5 (its optics and particles blocks), in the same place
        Path star = step.actual("particles/labels_2_particles.star");
        Path tomograms = step.work.resolve("out/denoised");
        StarFile.writeBlocks(star, Relion5Particles.fromPixels(StarFile.readTable(star), "rlnMicrographName",
                t -> ParticleGrids.grid(tomograms.resolve(t + ".mrc"), null, null, Log.silent()),
                Relion5Particles.Optics.NONE));
        assertTrue(Relion5Particles.isCentred(StarFile.readTable(star)));
        assertEquals(0, step.run("simsiam_embeddings_from_centers_predict", "configs/embeddings_centers.yaml"));
        EmbeddingsPredictTest.checkOutputs(step, name);
    }

    @Test
    void configPixelSizeWinsAndAPlaceholderHeaderIsWarned() throws IOException {
        FixtureStep step = relion5Centers("pixel_size: 20\n");
        Table optics = StarFile.read(step.actual("particles/labels_2_particles.star")).get("optics");
        assertArrayEquals(new double[] {20.0}, optics.doubles("rlnTomoTiltSeriesPixelSize"));

        // a 1 Å header (a placeholder) without pixel_size: a warning naming the tomogram
        Path tomo = step.work.resolve("out/denoised/TS_01.mrc");
        org.cryosiam.io.MrcReader.MrcData d = MrcReader.readData(tomo);
        org.cryosiam.io.MrcWriter.write(tomo, d.data(), new float[] {1f, 1f, 1f});
        Path cfg = step.work.resolve("configs/particles.yaml");
        Files.writeString(cfg, Files.readString(cfg).replace("pixel_size: 20\n", ""));
        ProcessingSupport.Result r = ProcessingSupport.run("semantic_to_centers", "--config_file", cfg.toString());
        r.assertOk();
        assertTrue(r.err().contains(tomo + ": the pixel size is 1 Å, often a placeholder"), r.err());
    }

    @Test
    void aBadStarFormatIsOneSentence() throws IOException {
        FixtureStep step = new FixtureStep(Fixtures.pipelineSmall(), dir).before(STEP);
        Path cfg = step.work.resolve("configs/particles.yaml");
        Files.writeString(cfg, Files.readString(cfg) + "star_format: relion6\n");
        ProcessingSupport.run("semantic_to_centers", "--config_file", cfg.toString())
                .assertUserError("star_format must be reference or relion5, found 'relion6'.");
        Path bad = dir.resolve("no_coordinates.star");
        Files.writeString(bad, "data_\nloop_\n_rlnTomoName #1\nTS_01\n");
        ProcessingSupport.run("processing_create_sphere_mask", "--coordinates_file", bad.toString(),
                "--sphere_radius", "2", "--output_dir", dir.resolve("m").toString(), "--tomogram_path",
                step.work.resolve("out/denoised").toString())
                .assertUserError("neither rlnCoordinateX/Y/Z (RELION 3/4, voxels) nor rlnCenteredCoordinateX/Y/ZAngst");
    }

    @Test
    void perTomogramTablesWithoutANameColumnTakeTheirTomogram() throws IOException {
        // the embedding and clustering STAR files have no tomogram column: the file's tomogram names the rows
        Path data = Files.createDirectories(dir.resolve("data"));
        ProcessingSupport.tomogram(data.resolve("TS_09.mrc"), 4, 6, 8, 2.5f);
        org.cryosiam.config.Config cfg = org.cryosiam.config.Config.of(Map.of("data_folder", data.toString(),
                "file_extension", ".mrc", "star_format", "relion5"), "test.yaml");
        Table t = Table.builder().longs("rlnLabel", new long[] {7}).doubles("rlnCoordinateZ", new double[] {1})
                .doubles("rlnCoordinateY", new double[] {3}).doubles("rlnCoordinateX", new double[] {0}).build();
        Path star = dir.resolve("TS_09_instance_regions.star");
        ParticleGrids.writeStar(star, t, cfg, name -> ParticleGrids.tomogramGrid(cfg, name, Log.silent()), "TS_09",
                OutputSink.NONE);
        Table p = StarFile.readTable(star);
        assertArrayEquals(new String[] {"TS_09"}, p.strings("rlnTomoName"));
        // x 8, y 6, z 4 voxels of 2.5 Å: (0 - 4, 3 - 3, 1 - 2) * 2.5
        assertArrayEquals(new double[] {-10.0, 0.0, -2.5}, new double[] {p.doubles("rlnCenteredCoordinateXAngst")[0],
                p.doubles("rlnCenteredCoordinateYAngst")[0], p.doubles("rlnCenteredCoordinateZAngst")[0]});
    }

    /** A column's values ordered by (tomo, label), so tables from different files compare row by row. */
    private static double[] sortedBy(Table t, String column) {
        Integer[] order = new Integer[t.rowCount()];
        String[] tomo = t.strings("tomo");
        long[] label = t.longs("label");
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, java.util.Comparator.<Integer, String>comparing(i -> tomo[i])
                .thenComparingLong(i -> label[i]));
        double[] v = t.doubles(column);
        double[] out = new double[v.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = v[order[i]];
        }
        return out;
    }
}
