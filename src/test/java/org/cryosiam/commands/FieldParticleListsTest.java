package org.cryosiam.commands;

import static org.cryosiam.commands.ProcessingSupport.count;
import static org.cryosiam.commands.ProcessingSupport.mask;
import static org.cryosiam.commands.ProcessingSupport.python;
import static org.cryosiam.commands.ProcessingSupport.run;
import static org.cryosiam.commands.ProcessingSupport.tomogram;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Particle lists as other tools write them, through the processing commands: particles outside their tomogram,
 * tomograms without a pixel size, Warp, RELION 5 projects and copick picks. A ball of radius 1 holds 7 voxels.
 */
class FieldParticleListsTest {
    @TempDir
    Path dir;

    private static String star(String... rows) {
        StringBuilder b = new StringBuilder("data_particles\n\nloop_\n_rlnCoordinateX #1\n_rlnCoordinateY #2\n"
                + "_rlnCoordinateZ #3\n_rlnTomoName #4\n");
        for (String r : rows) {
            b.append(r).append('\n');
        }
        return b.toString();
    }

    private ProcessingSupport.Result sphereMask(Path coordinates, Path tomograms, String... extra) {
        String[] args = {"processing_create_sphere_mask", "--coordinates_file", coordinates.toString(),
                "--sphere_radius", "1", "--output_dir", dir.resolve("masks").toString(), "--tomogram_path",
                tomograms.toString()};
        String[] all = java.util.Arrays.copyOf(args, args.length + extra.length);
        System.arraycopy(extra, 0, all, args.length, extra.length);
        return run(all);
    }

    @Test
    void particlesOutsideTheTomogramAreCountedAndNamed() throws IOException {
        Path tomos = Files.createDirectories(dir.resolve("tomos"));
        tomogram(tomos.resolve("TS_1.mrc"), 8, 8, 8, 10f);
        Path list = Files.writeString(dir.resolve("p.star"), star("4 4 4 TS_1", "20 4 4 TS_1", "4 4 -3 TS_1"));
        ProcessingSupport.Result r = sphereMask(list, tomos);
        r.assertOk();
        assertTrue(r.err().contains("TS_1: 2 of 3 particles in " + list + " lie outside the tomogram (8 x 8 x 8 "
                + "voxels (x, y, z))"), r.err());
        assertTrue(r.err().contains("(3 particles, 2 outside the tomogram)"), r.err());
        assertEquals(7, count(mask(dir.resolve("masks/TS_1.mrc")), 1));
    }

    @Test
    void aTomogramWithEveryParticleOutsideIsAnErrorNamingTheLikelyCauses() throws IOException {
        Path tomos = Files.createDirectories(dir.resolve("tomos"));
        tomogram(tomos.resolve("TS_1.mrc"), 8, 8, 8, 10f);
        tomogram(tomos.resolve("TS_2.mrc"), 8, 8, 8, 10f);
        // the first tomogram is fine, the second was picked at bin 1 on a bin-4 tomogram: nothing is written
        Path list = Files.writeString(dir.resolve("p.star"), star("4 4 4 TS_1", "40 36 20 TS_2", "28 24 16 TS_2"));
        ProcessingSupport.Result r = sphereMask(list, tomos);
        r.assertUserError("no particle of tomogram 'TS_2' lies inside it (2 particles, 8 x 8 x 8 voxels (x, y, z), e.g. one "
                + "at x, y, z = 40, 36, 20); check the pixel size (--pixel_size, or the header's voxel size), whether "
                + "the coordinates are centred or corner-based, and whether they were picked at another binning.");
        assertFalse(Files.exists(dir.resolve("masks/TS_1.mrc")), "checked before anything is written");
    }

    @Test
    void pixelSizeFlagForATomogramWithoutOne() throws IOException {
        Path tomos = Files.createDirectories(dir.resolve("tomos"));
        // mrcfile's default header: voxel size 0
        python("import sys, numpy as np, mrcfile\n"
                + "with mrcfile.new(sys.argv[1]) as m:\n"
                + "  m.set_data(np.zeros((10, 10, 10), np.float32))\n", tomos.resolve("TS_1.mrc"));
        // RELION 5: 20 Å right of the centre (5, 5, 5) along x at 10 Å per voxel is voxel x = 7
        Path list = Files.writeString(dir.resolve("r5.star"), "data_particles\n\nloop_\n_rlnTomoName #1\n"
                + "_rlnCenteredCoordinateXAngst #2\n_rlnCenteredCoordinateYAngst #3\n_rlnCenteredCoordinateZAngst #4\n"
                + "TS_1 20 0 0\n");
        ProcessingSupport.Result without = sphereMask(list, tomos);
        assertTrue(without.err().contains("the pixel size is not set (0 Å)"), without.err());
        assertTrue(without.err().contains("--pixel_size for the processing commands"), without.err());
        assertEquals(2, without.code(), without.err());
        assertTrue(without.err().strip().endsWith("no particle of tomogram 'TS_1' lies inside it (1 particle, 10 x 10 "
                + "x 10 voxels (x, y, z), e.g. one at x, y, z = 25, 5, 5); check the pixel size (--pixel_size, or the "
                + "header's voxel size), whether the coordinates are centred or corner-based, and whether they were "
                + "picked at another binning."), without.err());
        ProcessingSupport.Result with = sphereMask(list, tomos, "--pixel_size", "10");
        with.assertOk();
        int[] m = mask(dir.resolve("masks/TS_1.mrc"));
        assertEquals(7, count(m, 1));
        assertEquals(1, m[(5 * 10 + 5) * 10 + 7]);
        run("processing_create_sphere_mask", "--coordinates_file", list.toString(), "--sphere_radius", "1",
                "--output_dir", dir.resolve("m2").toString(), "--tomogram_path", tomos.toString(), "--pixel_size",
                "-3").assertUserError("--pixel_size -3: give the tomogram's pixel size in Å (above 0).");
    }

    /** Warp's template matching: fractions of the tomogram's size, tilt series named {@code <name>.tomostar}. */
    private static final String WARP = "data_\n\nloop_\n_rlnCoordinateX #1\n_rlnCoordinateY #2\n_rlnCoordinateZ #3\n"
            + "_rlnAngleRot #4\n_rlnAngleTilt #5\n_rlnAnglePsi #6\n_rlnMicrographName #7\n_rlnAutopickFigureOfMerit #8\n"
            + "0.5 0.25 0.75 0 0 0 TS_1.tomostar 0.9\n"
            + "0.1 0.9 0.5 0 0 0 TS_1.tomostar 0.8\n";

    @Test
    void warpFractionsAreScaledByTheTomogramAndTomostarNamesMatchTheMrc() throws IOException {
        Path tomos = Files.createDirectories(dir.resolve("tomos"));
        tomogram(tomos.resolve("TS_1.mrc"), 8, 10, 20, 10f); // z, y, x
        Path list = Files.writeString(dir.resolve("warp.star"), WARP);
        ProcessingSupport.Result r = sphereMask(list, tomos, "--tomo_name", "TS_1.tomostar");
        r.assertOk();
        assertTrue(r.err().contains("Warp's fractional coordinates (.tomostar names, every coordinate within 0 to "
                + "1), scaled by each tomogram's size; --coordinates voxels reads them as voxels."), r.err());
        int[] m = mask(dir.resolve("masks/TS_1.mrc"));
        assertEquals(7 + 6, count(m, 1), "the second ball is cut by the y = 9 face");
        assertEquals(1, m[(6 * 10 + 2) * 20 + 10], "x 0.5 * 20, y 0.25 * 10, z 0.75 * 8");
        assertEquals(1, m[(4 * 10 + 9) * 20 + 2], "x 0.1 * 20, y 0.9 * 10, z 0.5 * 8");
        // forced the other way: voxels (0, 0, 0) and (0, 0, 0) after truncation: one ball at the corner
        run("processing_create_sphere_mask", "--coordinates_file", list.toString(), "--sphere_radius", "1",
                "--output_dir", dir.resolve("v").toString(), "--tomogram_path", tomos.toString(), "--coordinates",
                "voxels").assertOk();
        assertEquals(4, count(mask(dir.resolve("v/TS_1.mrc")), 1));
        // a RELION list whose values happen to lie in 0..1 is not Warp's: read as voxels unless forced
        Path relion = Files.writeString(dir.resolve("relion.star"), star("0.5 0.5 0.5 TS_1"));
        run("processing_create_sphere_mask", "--coordinates_file", relion.toString(), "--sphere_radius", "0",
                "--output_dir", dir.resolve("r").toString(), "--tomogram_path", tomos.toString()).assertOk();
        assertEquals(1, mask(dir.resolve("r/TS_1.mrc"))[0]);
        run("processing_create_sphere_mask", "--coordinates_file", relion.toString(), "--sphere_radius", "0",
                "--output_dir", dir.resolve("f").toString(), "--tomogram_path", tomos.toString(), "--coordinates",
                "fractions").assertOk();
        assertEquals(1, mask(dir.resolve("f/TS_1.mrc"))[(4 * 10 + 5) * 20 + 10]);
        run("processing_create_sphere_mask", "--coordinates_file", relion.toString(), "--sphere_radius", "0",
                "--output_dir", dir.resolve("g").toString(), "--tomogram_path", tomos.toString(), "--coordinates",
                "percent").assertUserError("--coordinates percent: give auto, voxels or fractions.");
    }

    /** RELION 5, 10 Å pixels on a 10³ tomogram: x = 20 Å from the centre, shifted back 10 Å by refinement: x = 6. */
    private static final String R5_SHIFTED = "data_optics\n\nloop_\n_rlnOpticsGroup #1\n_rlnTomoTiltSeriesPixelSize #2\n"
            + "1 10.0\n\ndata_particles\n\nloop_\n_rlnTomoName #1\n_rlnCenteredCoordinateXAngst #2\n"
            + "_rlnCenteredCoordinateYAngst #3\n_rlnCenteredCoordinateZAngst #4\n_rlnOriginXAngst #5\n_rlnOriginYAngst #6\n"
            + "_rlnOriginZAngst #7\n_rlnAngleRot #8\n_rlnAngleTilt #9\n_rlnAnglePsi #10\n"
            + "TS_1 20.0 0.0 0.0 10.0 0.0 0.0 0 0 0\n";

    @Test
    void relion5ProjectFindsItsReconstructionsAndAppliesTheShifts() throws IOException {
        Path project = dir.resolve("project");
        Path job = Files.createDirectories(project.resolve("Tomograms/job006/tomograms"));
        tomogram(job.resolve("rec_TS_1.mrc"), 10, 10, 10, 10f);
        Path tomogramsStar = Files.writeString(project.resolve("Tomograms/job006/tomograms.star"),
                "data_global\n\nloop_\n_rlnTomoName #1\n_rlnVoltage #2\n_rlnTomoTiltSeriesPixelSize #3\n"
                        + "_rlnTomoReconstructedTomogram #4\n"
                        + "TS_1 300.0 2.5 Tomograms/job006/tomograms/rec_TS_1.mrc\n");
        Path list = Files.writeString(dir.resolve("r5.star"), R5_SHIFTED);
        int centre = (5 * 10 + 5) * 10;
        // the tomograms.star itself, the job's folder holding it, and the folder of rec_<name>.mrc files
        for (Path given : new Path[] {tomogramsStar, tomogramsStar.getParent(), job}) {
            Path out = dir.resolve("masks");
            ProcessingSupport.Result r = run("processing_create_sphere_mask", "--coordinates_file", list.toString(),
                    "--sphere_radius", "0", "--output_dir", out.toString(), "--tomogram_path", given.toString(),
                    "--tomo_name", "TS_1");
            r.assertOk();
            int[] m = mask(out.resolve("TS_1.mrc"));
            assertEquals(1, m[centre + 6], "centred 20 Å − origin 10 Å = 1 voxel right of the centre: " + given);
            assertEquals(1, count(m, 1));
            Files.delete(out.resolve("TS_1.mrc"));
        }
        // the binary map applies the shift once (RELION 5 rows are shifted as they are converted)
        Path map = dir.resolve("cube.mrc");
        org.cryosiam.io.MrcWriter.write(map, new org.cryosiam.volume.Volume(filled(27, 1f), 3, 3, 3,
                new float[] {10f, 10f, 10f}));
        run("processing_create_binary_map_after_sta", "--star_file", list.toString(), "--map_file", map.toString(),
                "--output_dir", dir.resolve("sta").toString(), "--map_threshold", "0.5", "--example_tomogram",
                tomogramsStar.toString()).assertOk();
        int[] m = mask(dir.resolve("sta/TS_1.mrc"));
        assertEquals(27, count(m, 1));
        assertEquals(1, m[centre + 7], "the cube spans x 5..7 around x 6");
        assertEquals(0, m[centre + 4], "a shift applied twice would put it at 4..6");
        // a tomograms.star naming a file that is not there
        Path broken = Files.writeString(dir.resolve("tomograms.star"), "data_global\n\nloop_\n_rlnTomoName #1\n"
                + "_rlnTomoReconstructedTomogram #2\nTS_1 Tomograms/job009/rec_TS_1.mrc\n");
        run("processing_create_sphere_mask", "--coordinates_file", list.toString(), "--sphere_radius", "0",
                "--output_dir", dir.resolve("x").toString(), "--tomogram_path", broken.toString())
                .assertUserError("the tomogram Tomograms/job009/rec_TS_1.mrc it lists was found neither");
    }

    private static float[] filled(int n, float v) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    /** copick picks of run TS_1 in Å (location = voxel index × spacing): voxels (5, 4, 3) and (2, 7, 1) at 10 Å. */
    private static final String PICKS = "{\"pickable_object_name\": \"ribosome\", \"user_id\": \"tester\", "
            + "\"session_id\": \"0\", \"run_name\": \"TS_1\", \"voxel_spacing\": 10.0, \"unit\": \"angstrom\", "
            + "\"points\": [{\"location\": {\"x\": 50.0, \"y\": 40.0, \"z\": 30.0}, \"instance_id\": 0, \"score\": 0.5},"
            + " {\"location\": {\"x\": 20.0, \"y\": 70.0, \"z\": 10.0}}], \"trust_orientation\": false}";

    @Test
    void particleListsAreToldApartByContent() throws IOException {
        Path tomos = Files.createDirectories(dir.resolve("tomos"));
        tomogram(tomos.resolve("TS_1.mrc"), 8, 10, 12, 10f);
        Path picks = Files.writeString(dir.resolve("ribosome.txt"), PICKS); // any name: the content tells
        ProcessingSupport.Result r = run("processing_create_sphere_mask", "--coordinates_file", picks.toString(),
                "--sphere_radius", "0", "--output_dir", dir.resolve("c").toString(), "--tomogram_path",
                tomos.toString());
        r.assertOk();
        int[] m = mask(dir.resolve("c/TS_1.mrc"));
        assertEquals(2, count(m, 1));
        assertEquals(1, m[(3 * 10 + 4) * 12 + 5]);
        assertEquals(1, m[(1 * 10 + 7) * 12 + 2]);
        // --pixel_size wins over the header: 50 Å at 5 Å is voxel 10
        run("processing_create_sphere_mask", "--coordinates_file", picks.toString(), "--sphere_radius", "0",
                "--output_dir", dir.resolve("p").toString(), "--tomogram_path", tomos.toString(), "--pixel_size", "5")
                .assertOk();
        assertEquals(1, mask(dir.resolve("p/TS_1.mrc"))[(6 * 10 + 8) * 12 + 10]);
        // a STAR file named .csv is read as STAR
        Path starAsCsv = Files.writeString(dir.resolve("list.csv"), "# version 50001\n\n" + star("5 4 3 TS_1"));
        run("processing_create_sphere_mask", "--coordinates_file", starAsCsv.toString(), "--sphere_radius", "0",
                "--output_dir", dir.resolve("s").toString(), "--tomogram_path", tomos.toString()).assertOk();
        assertEquals(1, mask(dir.resolve("s/TS_1.mrc"))[(3 * 10 + 4) * 12 + 5]);
        // what is none of them is refused naming the three
        String accepted = "give a RELION STAR file (rlnCoordinateX/Y/Z or rlnCenteredCoordinateX/Y/ZAngst), a CSV file "
                + "with a header row (centroid-0/1/2) or copick picks JSON (points with locations in Å).";
        Path spaces = Files.writeString(dir.resolve("tomotwin.coords"), "5 4 3\n2 7 1\n");
        run("processing_create_sphere_mask", "--coordinates_file", spaces.toString(), "--sphere_radius", "0",
                "--output_dir", dir.resolve("x").toString(), "--tomogram_path", tomos.toString())
                .assertUserError(spaces + " (--coordinates_file): not a particle list this command reads; " + accepted);
        Path other = Files.writeString(dir.resolve("other.json"), "{\"particles\": []}");
        run("processing_create_sphere_mask", "--coordinates_file", other.toString(), "--sphere_radius", "0",
                "--output_dir", dir.resolve("x").toString(), "--tomogram_path", tomos.toString())
                .assertUserError("JSON without a points list, so not copick picks; " + accepted);
    }

    @Test
    void embeddingCentresReadCopickPicks() throws IOException {
        Path picks = Files.writeString(dir.resolve("picks.json"), PICKS);
        org.cryosiam.io.Table t = org.cryosiam.workflow.EmbeddingsFromCenters.readCenters(picks, dir,
                (name, file) -> new org.cryosiam.io.Relion5Particles.Grid(new int[] {12, 10, 8}, 10.0),
                org.cryosiam.log.Log.silent(), org.cryosiam.io.OutputSink.NONE);
        assertEquals(java.util.List.of("TS_1", "TS_1"), java.util.List.of(t.strings("tomo")));
        assertEquals(3.0, t.doubles("centroid-0")[0]);
        assertEquals(7.0, t.doubles("centroid-1")[1]);
        assertEquals(5.0, t.doubles("centroid-2")[0]);
        assertTrue(Files.exists(dir.resolve("centers_with_labels.star")));
    }

    /**
     * RELION 5 particles on a tomogram whose header has no voxel size (issue 28, item 2): the optics block's
     * rlnTomoTiltSeriesPixelSize is used, with a warning; and the Å values, written in float32 as RELION and
     * NumPy pipelines do (item 3), land on the whole voxels they were computed from, not one voxel low.
     */
    @Test
    void relion5OpticsPixelSizeStandsInForAnUnsetHeaderAndFloat32AngstromLandOnWholeVoxels() throws IOException {
        Path tomos = Files.createDirectories(dir.resolve("tomos"));
        python("import sys, numpy as np, mrcfile\n"
                + "with mrcfile.new(sys.argv[1]) as m:\n"
                + "  m.set_data(np.zeros((20, 30, 40), np.float32))\n", tomos.resolve("TS_1.mrc")); // voxel size 0
        // five whole voxels (x, y, z), centred Å = (voxel - size / 2) * 13.48 computed and stored in float32
        Path list = dir.resolve("r5.star");
        python("import sys, numpy as np\n"
                + "px = np.float32(13.48)\n"
                + "size = np.array([40, 30, 20], np.float32)\n"
                + "vox = np.array([[3, 7, 11], [39, 29, 19], [13, 17, 5], [27, 2, 9], [21, 23, 1]], np.float32)\n"
                + "a = ((vox - size / np.float32(2)) * px).astype(np.float32)\n"
                + "rows = '\\n'.join('TS_1 %r %r %r 1' % tuple(float(v) for v in r) for r in a)\n"
                + "open(sys.argv[1], 'w').write('data_optics\\n\\nloop_\\n_rlnOpticsGroup #1\\n"
                + "_rlnTomoTiltSeriesPixelSize #2\\n1 13.48\\n\\ndata_particles\\n\\nloop_\\n_rlnTomoName #1\\n"
                + "_rlnCenteredCoordinateXAngst #2\\n_rlnCenteredCoordinateYAngst #3\\n"
                + "_rlnCenteredCoordinateZAngst #4\\n_rlnOpticsGroup #5\\n' + rows + '\\n')\n", list);
        ProcessingSupport.Result r = run("processing_create_sphere_mask", "--coordinates_file", list.toString(),
                "--sphere_radius", "0", "--output_dir", dir.resolve("masks").toString(), "--tomogram_path",
                tomos.toString());
        r.assertOk();
        assertTrue(r.err().contains("the header's pixel size is not set (0 Å); the particle file's "
                + "rlnTomoTiltSeriesPixelSize, 13.48 Å, is used"), r.err());
        assertTrue(r.err().contains("(5 particles)"), r.err());
        int[] m = mask(dir.resolve("masks/TS_1.mrc"));
        assertEquals(5, count(m, 1));
        int[][] xyz = {{3, 7, 11}, {39, 29, 19}, {13, 17, 5}, {27, 2, 9}, {21, 23, 1}};
        for (int[] v : xyz) {
            assertEquals(1, m[(v[2] * 30 + v[1]) * 40 + v[0]], java.util.Arrays.toString(v));
        }
        // the config's (here the flag's) pixel size still wins over the file's
        ProcessingSupport.Result half = run("processing_create_sphere_mask", "--coordinates_file", list.toString(),
                "--sphere_radius", "0", "--output_dir", dir.resolve("m2").toString(), "--tomogram_path",
                tomos.toString(), "--pixel_size", "6.74");
        half.assertOk();
        assertFalse(half.err().contains("rlnTomoTiltSeriesPixelSize"), half.err());
        assertTrue(half.err().contains("(5 particles, 4 outside the tomogram)"), half.err());
    }

    @Test
    void convertedCoordinatesSnapToAWholeVoxelOnlyWhenWithinAThousandth() {
        assertEquals(12.0, org.cryosiam.io.Relion5Particles.snap(11.9999996));
        assertEquals(12.0, org.cryosiam.io.Relion5Particles.snap(12.0009));
        assertEquals(11.998, org.cryosiam.io.Relion5Particles.snap(11.998));
        assertEquals(12.5, org.cryosiam.io.Relion5Particles.snap(12.5));
        assertEquals(-3.0, org.cryosiam.io.Relion5Particles.snap(-3.0000002));
    }
}
