package org.cryosiam.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RELION 5 particle STAR: the centred-Ångström convention, checked by hand on a tiny case, and its inverse. */
class Relion5ParticlesTest {
    @TempDir
    Path dir;

    private static final Map<String, Relion5Particles.Grid> GRIDS = Map.of(
            "TS_01", new Relion5Particles.Grid(new int[] {5, 4, 3}, 10.0), // odd and even sizes: centres 2.5, 2, 1.5
            "TS_02", new Relion5Particles.Grid(new int[] {6, 6, 6}, 2.5));

    private static Table reference() {
        return Table.builder().longs("rlnLabel", new long[] {1, 2}).longs("rlnArea", new long[] {8, 27})
                .doubles("rlnCoordinateZ", new double[] {1, 2}).doubles("rlnCoordinateY", new double[] {2, 0.5})
                .doubles("rlnCoordinateX", new double[] {0.5, 4}).strings("rlnMicrographName",
                        new String[] {"TS_01", "TS_02"}).build();
    }

    @Test
    void writesTheHandCheckedText() throws IOException {
        Path f = dir.resolve("p.star");
        StarFile.writeBlocks(f, Relion5Particles.fromPixels(reference(), "rlnMicrographName", GRIDS::get,
                new Relion5Particles.Optics(300.0, 2.7, 0.1)));
        // TS_01 (x 5, y 4, z 3 voxels of 10 Å): voxel (x 0.5, y 2, z 1) - (2.5, 2, 1.5) = (-2, 0, -0.5) -> Å * 10
        // TS_02 (6^3 voxels of 2.5 Å): voxel (4, 0.5, 2) - (3, 3, 3) = (1, -2.5, -1) -> * 2.5; its own optics group
        String want = "\n# version 50001\n\ndata_optics\n\nloop_\n"
                + "_rlnOpticsGroup #1\n_rlnOpticsGroupName #2\n_rlnTomoTiltSeriesPixelSize #3\n_rlnVoltage #4\n"
                + "_rlnSphericalAberration #5\n_rlnAmplitudeContrast #6\n"
                + "1\topticsGroup1\t10.0\t300.0\t2.7\t0.1\n"
                + "2\topticsGroup2\t2.5\t300.0\t2.7\t0.1\n\n"
                + "\n# version 50001\n\ndata_particles\n\nloop_\n"
                + "_rlnTomoName #1\n_rlnCenteredCoordinateXAngst #2\n_rlnCenteredCoordinateYAngst #3\n"
                + "_rlnCenteredCoordinateZAngst #4\n_rlnOpticsGroup #5\n_rlnLabel #6\n_rlnArea #7\n"
                + "TS_01\t-20.0\t0.0\t-5.0\t1\t1\t8\n"
                + "TS_02\t2.5\t-6.25\t-2.5\t2\t2\t27\n\n";
        assertEquals(want, Files.readString(f));
    }

    @Test
    void readsBackToTheSameVoxels() {
        Path f = dir.resolve("p.star");
        StarFile.writeBlocks(f, Relion5Particles.fromPixels(reference(), "rlnMicrographName", GRIDS::get,
                Relion5Particles.Optics.NONE));
        Map<String, Table> blocks = StarFile.read(f);
        assertEquals(java.util.List.of("optics", "particles"), java.util.List.copyOf(blocks.keySet()));
        Table t = StarFile.readTable(f);
        assertTrue(Relion5Particles.isCentred(t));
        Table back = Relion5Particles.withPixels(f, t, null, (name, file) -> GRIDS.get(name));
        for (String c : Relion5Particles.PIXEL) {
            assertArrayEquals(reference().doubles(c), back.doubles(c), c);
        }
    }

    @Test
    void integerVoxelsSurviveTheRoundTripExactly() {
        // a pixel size with no exact binary form: the inverse must give 12, not 11.999999999999998 (truncated to 11)
        for (int size : new int[] {47, 52, 61}) {
            for (int v = 0; v < size; v++) {
                double a = Relion5Particles.centredAngst(v, size, 13.48);
                assertEquals(v, Relion5Particles.voxel(a, size, 13.48), 0.0, size + "/" + v);
            }
        }
    }
}
