package org.cryosiam.commands;

import static org.cryosiam.commands.ProcessingSupport.mask;
import static org.cryosiam.commands.ProcessingSupport.python;
import static org.cryosiam.commands.ProcessingSupport.run;
import static org.cryosiam.commands.ProcessingSupport.tomogram;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import org.cryosiam.io.MrcWriter;
import org.cryosiam.volume.Volume;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * processing_create_binary_map_after_sta. The map is resampled as {@code out(p) = map(c + R (p − c))} with R from
 * {@code Rotation.from_euler('ZYZ', [rot, tilt, psi], degrees=True)}, so a map voxel at offset m from the centre
 * lands at {@code Rᵀ m} (see RigidTransformTest for the worked rotations).
 */
class ProcessingBinaryMapAfterStaTest {
    @TempDir
    Path dir;

    /**
     * An 8³ map with an L above the threshold 1.0 in the plane z = 4: corner (4,4,4), x-arm (4,4,5), (4,4,6), y-arm
     * (4,5,4); plus a voxel at exactly the threshold (not > t) that must not appear.
     */
    private Path lMap() {
        int n = 8;
        float[] m = new float[n * n * n];
        for (int[] p : new int[][] {{4, 4, 4}, {4, 4, 5}, {4, 4, 6}, {4, 5, 4}}) {
            m[(p[0] * n + p[1]) * n + p[2]] = 2.5f;
        }
        m[(2 * n + 2) * n + 2] = 1.0f;
        Path f = dir.resolve("average.mrc");
        MrcWriter.write(f, new Volume(m, n, n, n, new float[] {7f, 7f, 7f}));
        return f;
    }

    private static List<String> setVoxels(int[] v, int nz, int ny, int nx) {
        List<String> out = new ArrayList<>();
        for (int z = 0; z < nz; z++) {
            for (int y = 0; y < ny; y++) {
                for (int x = 0; x < nx; x++) {
                    if (v[(z * ny + y) * nx + x] != 0) {
                        out.add(z + "," + y + "," + x);
                    }
                }
            }
        }
        return out;
    }

    @Test
    void lShapeIsRotatedPlacedAndShiftedByTheOrigin() throws IOException {
        Path tomo = tomogram(dir.resolve("example.mrc"), 20, 20, 20, 2.5f);
        Path star = Files.writeString(dir.resolve("run_data.star"), "data_particles\nloop_\n"
                + "_rlnCoordinateX\n_rlnCoordinateY\n_rlnCoordinateZ\n_rlnAngleRot\n_rlnAngleTilt\n_rlnAnglePsi\n"
                + "_rlnOriginXAngst\n_rlnOriginYAngst\n_rlnOriginZAngst\n_rlnTomoName\n"
                // rot 90 about z: x-arm → −y, y-arm → +x; centre (z, y, x) = (9, 12, 10)
                + "10.7 12.2 9.9 90 0 0 0 0 0 TS_01\n"
                // no rotation; origin (5 Å, −2.5 Å, 0) / 2.5 Å = (2, −1, 0) voxels: centre (15, 3 + 1, 3 − 2)
                + "3 3 15 0 0 0 5.0 -2.5 0 TS_01\n"
                // tilt 90 about y: x-arm → +z; centre (17, 17, 17): z = 19 is the last plane, 20 is clipped
                + "17 17 17 0 90 0 0 0 0 TS_02\n");
        Path out = dir.resolve("out");
        run("processing_create_binary_map_after_sta", "--star_file", star.toString(), "--map_file", lMap().toString(),
                "--output_dir", out.toString(), "--map_threshold", "1.0", "--example_tomogram", tomo.toString())
                .assertOk();
        assertEquals(List.of("9,10,10", "9,11,10", "9,12,10", "9,12,11", "15,4,1", "15,4,2", "15,4,3", "15,5,1"),
                setVoxels(mask(out.resolve("TS_01.mrc")), 20, 20, 20));
        assertEquals(List.of("17,17,17", "17,18,17", "18,17,17", "19,17,17"),
                setVoxels(mask(out.resolve("TS_02.mrc")), 20, 20, 20));
        // --tomo_name
        Path out2 = dir.resolve("out2");
        run("processing_create_binary_map_after_sta", "--star-file", star.toString(), "--map-file", lMap().toString(),
                "--output-dir", out2.toString(), "--map-threshold", "1.0", "--example-tomogram", tomo.toString(),
                "--tomo-name", "TS_02").assertOk();
        try (var s = Files.list(out2)) {
            assertEquals(List.of("TS_02.mrc"), s.map(p -> p.getFileName().toString()).toList());
        }
    }

    /**
     * Against the reference's algorithm run with SciPy: an asymmetric blob (inside radius 6.5 of the centre of a 16³
     * box, so no rotation reaches the box edge), random angles, particles also at the borders. The reference samples
     * into a uint8 array ({@code map_coordinates} rounds to nearest, i.e. keeps samples ≥ 0.5) and pastes the
     * non-zero voxels, so its output must equal ours voxel for voxel.
     */
    @Test
    void matchesScipyOnRandomOrientations() throws IOException {
        int n = 16;
        float[] m = new float[n * n * n];
        for (int z = 0; z < n; z++) {
            for (int y = 0; y < n; y++) {
                for (int x = 0; x < n; x++) {
                    double dz = z - 8, dy = y - 8, dx = x - 8;
                    boolean body = dx * dx / 36 + dy * dy / 9 + dz * dz / 4 <= 1;         // flat ellipsoid along x
                    boolean arm = dy >= 0 && dy <= 6 && Math.abs(dx - 3) <= 1 && Math.abs(dz - 1) <= 1; // +y arm
                    m[(z * n + y) * n + x] = body || arm ? 0.8f : 0.1f;
                }
            }
        }
        Path map = dir.resolve("blob.mrc");
        MrcWriter.write(map, new Volume(m, n, n, n, new float[] {5f, 5f, 5f}));
        Path tomo = tomogram(dir.resolve("example.mrc"), 30, 34, 40, 5f);
        Random rnd = new Random(11);
        StringBuilder star = new StringBuilder("data_\nloop_\n_rlnCoordinateX\n_rlnCoordinateY\n_rlnCoordinateZ\n"
                + "_rlnAngleRot\n_rlnAngleTilt\n_rlnAnglePsi\n_rlnMicrographName\n");
        StringBuilder args = new StringBuilder();
        int[][] fixed = {{0, 0, 0}, {39, 33, 29}, {20, 2, 15}, {38, 17, 1}};
        for (int i = 0; i < 24; i++) {
            double x, y, z;
            if (i < fixed.length) {
                x = fixed[i][0];
                y = fixed[i][1];
                z = fixed[i][2];
            } else {
                x = rnd.nextDouble() * 40;
                y = rnd.nextDouble() * 34;
                z = rnd.nextDouble() * 30;
            }
            double rot = rnd.nextDouble() * 360 - 180, tilt = rnd.nextDouble() * 180, psi = rnd.nextDouble() * 360 - 180;
            String row = String.format(Locale.ROOT, "%.3f %.3f %.3f %.4f %.4f %.4f", x, y, z, rot, tilt, psi);
            star.append(row).append(" TS_").append(i % 2).append('\n');
            args.append(row.replace(' ', ',')).append(' ').append(i % 2).append(';');
        }
        Path starFile = Files.writeString(dir.resolve("p.star"), star.toString());
        Path out = dir.resolve("out");
        run("processing_create_binary_map_after_sta", "--star_file", starFile.toString(), "--map_file", map.toString(),
                "--output_dir", out.toString(), "--map_threshold", "0.5", "--example_tomogram", tomo.toString())
                .assertOk();
        String script = "import sys, mrcfile, numpy as np\n"
                + "from scipy.ndimage import map_coordinates\n"
                + "from scipy.spatial.transform import Rotation\n"
                + "ref = (mrcfile.open(sys.argv[1]).data > 0.5).astype(np.uint8)\n"
                + "size = mrcfile.open(sys.argv[2]).data.shape\n"
                + "out = {0: np.zeros(size), 1: np.zeros(size)}\n"
                + "def rotate(ref, a, b, c):\n"
                + "    m = Rotation.from_euler('ZYZ', [a, b, c], degrees=True).as_matrix()\n"
                + "    d = ref.shape\n"
                + "    z, y, x = np.meshgrid(np.arange(d[0]), np.arange(d[1]), np.arange(d[2]), indexing='ij')\n"
                + "    c = np.vstack([x.ravel() - d[2] / 2, y.ravel() - d[1] / 2, z.ravel() - d[0] / 2])\n"
                + "    r = m @ c\n"
                + "    co = [(r[2] + d[0] / 2).reshape(d), (r[1] + d[1] / 2).reshape(d), (r[0] + d[2] / 2).reshape(d)]\n"
                + "    return map_coordinates(ref, co, order=1)\n"
                + "h = ref.shape[0] // 2\n"
                + "zd, yd, xd = size\n"
                + "for p in sys.argv[3].strip(';').split(';'):\n"
                + "    vals, t = p.split(' ')\n"
                + "    x, y, z, a, b, c = [float(v) for v in vals.split(',')]\n"
                + "    x, y, z = int(x), int(y), int(z)\n"
                + "    r = rotate(ref, a, b, c)\n"
                + "    r = r[max(h - z, 0):(h + zd - z if zd - z <= h else 2 * h), max(h - y, 0):(h + yd - y if yd - y <= h else 2 * h),"
                + " max(h - x, 0):(h + xd - x if xd - x <= h else 2 * h)]\n"
                + "    o = out[int(t)][max(0, z - h):min(z + h, zd), max(0, y - h):min(y + h, yd), max(0, x - h):min(x + h, xd)]\n"
                + "    o[r > 0] = r[r > 0]\n"
                + "for t in (0, 1):\n"
                + "    with mrcfile.open(sys.argv[4 + t]) as m:\n"
                + "        ours = m.data\n"
                + "        print(ours.dtype, float(m.voxel_size.z), int((ours != out[t].astype(np.uint8)).sum()), int(ours.sum()))\n";
        String[] lines = python(script, map, tomo, args, out.resolve("TS_0.mrc"), out.resolve("TS_1.mrc")).split("\n");
        assertEquals(2, lines.length);
        for (String line : lines) {
            String[] f = line.split(" ");
            assertEquals("uint16 5.0 0", f[0] + " " + f[1] + " " + f[2], "dtype, voxel size, voxels that differ: " + line);
            assertEquals(true, Integer.parseInt(f[3]) > 1000, "particles were placed: " + line);
        }
    }

    @Test
    void badInputsAreOneSentenceAndExitCode2() throws IOException {
        Path tomo = tomogram(dir.resolve("example.mrc"), 10, 10, 10, 2f);
        Path noAngles = Files.writeString(dir.resolve("a.star"), "data_\nloop_\n_rlnCoordinateX\n_rlnCoordinateY\n"
                + "_rlnCoordinateZ\n_rlnTomoName\n1 1 1 TS_01\n");
        Path out = dir.resolve("out");
        run("processing_create_binary_map_after_sta", "--star_file", noAngles.toString(), "--map_file",
                lMap().toString(), "--output_dir", out.toString(), "--map_threshold", "1", "--example_tomogram",
                tomo.toString()).assertUserError("rlnAngleRot, rlnAngleTilt, rlnAnglePsi");
        Path noCoords = Files.writeString(dir.resolve("b.star"), "data_\nloop_\n_rlnAngleRot\n_rlnAngleTilt\n"
                + "_rlnAnglePsi\n_rlnTomoName\n1 1 1 TS_01\n");
        run("processing_create_binary_map_after_sta", "--star_file", noCoords.toString(), "--map_file",
                lMap().toString(), "--output_dir", out.toString(), "--map_threshold", "1", "--example_tomogram",
                tomo.toString()).assertUserError("rlnCoordinateX");
        Path good = Files.writeString(dir.resolve("c.star"), "data_\nloop_\n_rlnCoordinateX\n_rlnCoordinateY\n"
                + "_rlnCoordinateZ\n_rlnAngleRot\n_rlnAngleTilt\n_rlnAnglePsi\n_rlnTomoName\n1 1 1 0 0 0 TS_01\n");
        run("processing_create_binary_map_after_sta", "--star_file", good.toString(), "--map_file",
                dir.resolve("missing.mrc").toString(), "--output_dir", out.toString(), "--map_threshold", "1",
                "--example_tomogram", tomo.toString()).assertUserError("missing.mrc");
        run("processing_create_binary_map_after_sta", "--star_file", good.toString(), "--map_file",
                lMap().toString(), "--output_dir", out.toString(), "--map_threshold", "1",
                "--example_tomogram", dir.resolve("none.mrc").toString()).assertUserError("none.mrc");
        run("processing_create_binary_map_after_sta", "--star_file", good.toString(), "--map_file",
                lMap().toString(), "--output_dir", out.toString(), "--map_threshold", "1", "--example_tomogram",
                tomo.toString(), "--tomo_name", "TS_02").assertUserError("TS_02");
        assertEquals(false, Files.exists(out), "nothing written by the failed runs");
    }
}
