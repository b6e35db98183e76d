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
 * processing_create_sphere_mask(_multiclass). A ball of radius 2 holds 33 voxels; cut through its centre by a face,
 * 23 (see SpherePainterTest).
 */
class ProcessingSphereMaskTest {
    @TempDir
    Path dir;

    private static final String STAR = "\ndata_optics\n\nloop_\n_rlnOpticsGroup #1\n_rlnImagePixelSize #2\n1 2.5\n\n"
            + "data_particles\n\nloop_\n_rlnCoordinateX #1\n_rlnCoordinateY #2\n_rlnCoordinateZ #3\n_rlnTomoName #4\n"
            + "5.9 5.2 4.7 TS_01\n"      // voxel (4, 5, 5): whole ball
            + "0.0 5.0 4.0 TS_01\n"      // voxel (4, 5, 0): cut by the x = 0 face
            + "3.0 3.0 3.0 TS_02\n";     // voxel (3, 3, 3) of the other tomogram

    private static int at(int[] v, int ny, int nx, int z, int y, int x) {
        return v[(z * ny + y) * nx + x];
    }

    @Test
    void starFileWithATomogramFolder() throws IOException {
        Path tomos = Files.createDirectories(dir.resolve("tomos"));
        tomogram(tomos.resolve("TS_01.mrc"), 9, 10, 11, 2.5f);
        tomogram(tomos.resolve("TS_02.mrc"), 8, 8, 8, 3.0f);
        Path star = Files.writeString(dir.resolve("particles.star"), STAR);
        Path out = dir.resolve("masks");
        run("processing_create_sphere_mask", "--coordinates_file", star.toString(),
                "--sphere_radius", "2", "--output_dir", out.toString(), "--tomogram_path", tomos.toString()).assertOk();
        int[] m1 = mask(out.resolve("TS_01.mrc"));
        assertEquals(33 + 23, count(m1, 1));
        assertEquals(9 * 10 * 11 - 56, count(m1, 0));
        assertEquals(1, at(m1, 10, 11, 4, 5, 7));  // distance 2 from (4, 5, 5)
        assertEquals(0, at(m1, 10, 11, 4, 6, 7));  // √5
        assertEquals(1, at(m1, 10, 11, 4, 5, 2));  // distance 2 from (4, 5, 0)
        assertEquals(0, at(m1, 10, 11, 4, 6, 2));  // √5 from (4, 5, 0)
        assertEquals(33, count(mask(out.resolve("TS_02.mrc")), 1));
        // mrcfile reads them: shape, dtype (uint8 is stored as mode 6), the tomogram's voxel size, the sums
        assertEquals("(9, 10, 11) uint16 2.5 56 1\n(8, 8, 8) uint16 3.0 33 1", python(
                "import sys, mrcfile\n"
                        + "for f in sys.argv[1:]:\n"
                        + "    with mrcfile.open(f, permissive=False) as m:\n"
                        + "        d = m.data\n"
                        + "        print(d.shape, d.dtype, float(m.voxel_size.x), int(d.sum()), int(d.max()))\n",
                out.resolve("TS_01.mrc"), out.resolve("TS_02.mrc")));
        try (var s = Files.list(out)) {
            assertEquals(2, s.count(), "no temporary files left");
        }
    }

    @Test
    void csvWithOneTomogramAndTomoName() throws IOException {
        Path tomo = tomogram(dir.resolve("template.mrc"), 9, 9, 9, 1.5f);
        Path csv = Files.writeString(dir.resolve("centres.csv"),
                "label,area,centroid-0,centroid-1,centroid-2,tomo\n"
                        + "1,10,4.2,4.9,8.0,a\n"   // z, y, x = (4, 4, 8): cut by the x = 8 face
                        + "2,10,0.0,4.0,4.0,b\n"   // (0, 4, 4): cut by z = 0
                        + "3,10,4.0,8.0,4.0,b\n"); // (4, 8, 4): cut by y = 8
        Path out = dir.resolve("out");
        run("processing_create_sphere_mask", "--coordinates-file", csv.toString(),
                "--sphere-radius", "2", "--output-dir", out.toString(), "--tomogram-path", tomo.toString(),
                "--tomo_name", "b").assertOk();
        assertFalse(Files.exists(out.resolve("a.mrc")));
        int[] m = mask(out.resolve("b.mrc"));
        assertEquals(23 + 23, count(m, 1));
        assertEquals(1, at(m, 9, 9, 2, 4, 4));
        assertEquals(1, at(m, 9, 9, 4, 6, 4));
        // the name as a file name, as --filename takes it
        Files.delete(out.resolve("b.mrc"));
        run("processing_create_sphere_mask", "--coordinates-file", csv.toString(),
                "--sphere-radius", "2", "--output-dir", out.toString(), "--tomogram-path", tomo.toString(),
                "--tomo_name", "b.mrc").assertOk();
        assertEquals(23 + 23, count(mask(out.resolve("b.mrc")), 1));
        assertFalse(Files.exists(out.resolve("a.mrc")));
        // without --tomo_name both are written
        run("processing_create_sphere_mask", "--coordinates_file", csv.toString(),
                "--sphere_radius", "2", "--output_dir", out.toString(), "--tomogram_path", tomo.toString()).assertOk();
        assertEquals(23, count(mask(out.resolve("a.mrc")), 1));
    }

    @Test
    void withoutANameColumnTheSingleTomogramNamesTheOutput() throws IOException {
        Path tomo = tomogram(dir.resolve("TS_07.rec"), 6, 6, 6, 1f);
        Path csv = Files.writeString(dir.resolve("c.csv"), "centroid-0,centroid-1,centroid-2\n3,3,3\n");
        Path out = dir.resolve("out");
        run("processing_create_sphere_mask", "--coordinates_file", csv.toString(),
                "--sphere_radius", "1", "--output_dir", out.toString(), "--tomogram_path", tomo.toString()).assertOk();
        assertEquals(7, count(mask(out.resolve("TS_07.mrc")), 1));
    }

    @Test
    void multiclassHigherClassWinsAndEachClassHasItsRadius() throws IOException {
        Path tomo = tomogram(dir.resolve("t.mrc"), 9, 9, 9, 2f);
        // class 2 (radius 2) at (4, 4, 6) comes first in the file, class 1 (radius 1) at (4, 4, 4) second;
        // the balls share (4, 4, 4) and (4, 4, 5), which take class 2
        Path star = Files.writeString(dir.resolve("p.star"), "data_\nloop_\n_rlnCoordinateX\n_rlnCoordinateY\n"
                + "_rlnCoordinateZ\n_rlnClassNumber\n_rlnMicrographName\n6 4 4 2 TS_1\n4 4 4 1 TS_1\n");
        Path out = dir.resolve("out");
        run("processing_create_sphere_mask_multiclass", "--coordinates_file", star.toString(),
                "--sphere_radius", "1,2", "--output_dir", out.toString(), "--tomogram_path", tomo.toString()).assertOk();
        int[] m = mask(out.resolve("TS_1.mrc"));
        assertEquals(33, count(m, 2));
        assertEquals(7 - 2, count(m, 1));
        assertEquals(2, at(m, 9, 9, 4, 4, 4));
        assertEquals(2, at(m, 9, 9, 4, 4, 5));
        assertEquals(1, at(m, 9, 9, 4, 4, 3));
        assertEquals(1, at(m, 9, 9, 4, 5, 4));

        // the same from CSV (semantic_class), with spare radii
        Path csv = Files.writeString(dir.resolve("p.csv"),
                "centroid-0,centroid-1,centroid-2,semantic_class,tomo\n4,4,6,2,TS_1\n4,4,4,1,TS_1\n");
        Path out2 = dir.resolve("out2");
        run("processing_create_sphere_mask_multiclass", "--coordinates_file", csv.toString(),
                "--sphere_radius", "1, 2, 9", "--output_dir", out2.toString(), "--tomogram_path", tomo.toString()).assertOk();
        assertTrue(java.util.Arrays.equals(m, mask(out2.resolve("TS_1.mrc"))));
    }

    @Test
    void badInputsAreOneSentenceAndExitCode2() throws IOException {
        Path tomos = Files.createDirectories(dir.resolve("tomos"));
        tomogram(tomos.resolve("TS_01.mrc"), 9, 10, 11, 2.5f);
        Path out = dir.resolve("out");
        // a STAR file without coordinate columns
        Path noCoords = Files.writeString(dir.resolve("bad.star"), "data_\nloop_\n_rlnTomoName\n_rlnAngleRot\nTS_01 3\n");
        run("processing_create_sphere_mask", "--coordinates_file", noCoords.toString(), "--sphere_radius", "2",
                "--output_dir", out.toString(), "--tomogram_path", tomos.toString())
                .assertUserError("neither rlnCoordinateX/Y/Z (RELION 3/4, voxels) nor rlnCenteredCoordinateX/Y/ZAngst "
                        + "(RELION 5) columns");
        // a CSV without centroids
        Path csv = Files.writeString(dir.resolve("bad.csv"), "x,y,z,tomo\n1,2,3,TS_01\n");
        run("processing_create_sphere_mask", "--coordinates_file", csv.toString(), "--sphere_radius", "2",
                "--output_dir", out.toString(), "--tomogram_path", tomos.toString())
                .assertUserError("centroid-2, centroid-1, centroid-0");
        // a missing tomogram in the folder
        Path star = Files.writeString(dir.resolve("p.star"), STAR);
        run("processing_create_sphere_mask", "--coordinates_file", star.toString(), "--sphere_radius", "2",
                "--output_dir", out.toString(), "--tomogram_path", tomos.toString())
                .assertUserError("TS_02");
        // a missing tomogram path
        run("processing_create_sphere_mask", "--coordinates_file", star.toString(), "--sphere_radius", "2",
                "--output_dir", out.toString(), "--tomogram_path", dir.resolve("nowhere.mrc").toString())
                .assertUserError("nowhere.mrc");
        // fewer radii than classes
        Path classes = Files.writeString(dir.resolve("c.star"), "data_\nloop_\n_rlnCoordinateX\n_rlnCoordinateY\n"
                + "_rlnCoordinateZ\n_rlnClassNumber\n_rlnTomoName\n1 1 1 1 TS_01\n2 2 2 3 TS_01\n");
        run("processing_create_sphere_mask_multiclass", "--coordinates_file", classes.toString(), "--sphere_radius",
                "2,3", "--output_dir", out.toString(), "--tomogram_path", tomos.toString())
                .assertUserError("one radius per class");
        run("processing_create_sphere_mask_multiclass", "--coordinates_file", classes.toString(), "--sphere_radius",
                "2,x,4", "--output_dir", out.toString(), "--tomogram_path", tomos.toString())
                .assertUserError("--sphere_radius");
        // a tomogram name that no row has
        run("processing_create_sphere_mask", "--coordinates_file", star.toString(), "--sphere_radius", "2",
                "--output_dir", out.toString(), "--tomogram_path", tomos.toString(), "--tomo_name", "TS_9")
                .assertUserError("TS_9");
        assertEquals(2, run("processing_create_sphere_mask", "--coordinates_file", star.toString()).code(),
                "missing flags are a usage error");
        assertFalse(Files.exists(out.resolve("TS_01.mrc")), "nothing written by the failed runs");
    }
}
