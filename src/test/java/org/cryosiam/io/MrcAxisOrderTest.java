package org.cryosiam.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.cryosiam.CliRun;
import org.cryosiam.Python;
import org.cryosiam.volume.Volume;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MRC files whose mapc, mapr, maps is not 1, 2, 3 (EMDB maps, crystallographic files), written by mrcfile: read into
 * (z, y, x) as ChimeraX and RELION read them, and converted to a standard 1, 2, 3 file over the transposed data.
 */
class MrcAxisOrderTest {
    @TempDir
    Path dir;

    /** The value every test volume holds at (x, y, z): each axis its own digit. */
    private static float value(int x, int y, int z) {
        return x + 10 * y + 100 * z;
    }

    /**
     * An x, y, z = 5, 4, 3 volume stored with the given axis order (columns along axis mapc, …), voxel size 2, 3, 4 Å
     * along x, y, z, and the file's nxstart, nystart, nzstart = 7, 8, 9 (per column, row, section).
     */
    private Path write(String name, int mapc, int mapr, int maps) {
        Path p = dir.resolve(name);
        Python.run("import sys, numpy as np, mrcfile\n"
                + "mapc, mapr, maps = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])\n"
                + "size = {1: 5, 2: 4, 3: 3}\n"
                + "nc, nr, ns = size[mapc], size[mapr], size[maps]\n"
                + "a = np.zeros((ns, nr, nc), np.float32)\n"
                + "for s in range(ns):\n"
                + "  for r in range(nr):\n"
                + "    for c in range(nc):\n"
                + "      xyz = [0, 0, 0]\n"
                + "      xyz[mapc - 1], xyz[mapr - 1], xyz[maps - 1] = c, r, s\n"
                + "      a[s, r, c] = xyz[0] + 10 * xyz[1] + 100 * xyz[2]\n"
                + "with mrcfile.new(sys.argv[1], overwrite=True) as m:\n"
                + "  m.set_data(a)\n"
                + "  h = m.header\n"
                + "  h.mapc, h.mapr, h.maps = mapc, mapr, maps\n"
                + "  h.mx, h.my, h.mz = 5, 4, 3\n"
                + "  h.cella = (10.0, 12.0, 12.0)\n"
                + "  h.nxstart, h.nystart, h.nzstart = 7, 8, 9\n", p, mapc, mapr, maps);
        return p;
    }

    private static void assertZyx(Volume v) {
        assertArrayEquals(new int[] {3, 4, 5}, v.shape());
        for (int z = 0; z < 3; z++) {
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 5; x++) {
                    assertEquals(value(x, y, z), v.data()[(z * 4 + y) * 5 + x], "x " + x + " y " + y + " z " + z);
                }
            }
        }
    }

    @Test
    void everyPermutationIsReadIntoZyx() {
        int[][] orders = {{1, 2, 3}, {1, 3, 2}, {2, 1, 3}, {2, 3, 1}, {3, 1, 2}, {3, 2, 1}};
        for (int[] o : orders) {
            Path p = write("map" + o[0] + o[1] + o[2] + ".mrc", o[0], o[1], o[2]);
            Volume v = MrcReader.read(p);
            assertZyx(v);
            assertArrayEquals(new float[] {2f, 3f, 4f}, v.voxelSize());
            MrcHeader h = MrcReader.readHeader(p);
            // the starts follow their axes: column start 7 belongs to axis mapc, …
            int[] start = new int[3];
            start[o[0] - 1] = 7;
            start[o[1] - 1] = 8;
            start[o[2] - 1] = 9;
            assertArrayEquals(start, h.geometry().start(), "start of " + p);
            try (PlaneReader planes = MrcReader.planes(p)) {
                float[] plane = new float[20];
                planes.read(2, plane);
                assertEquals(value(4, 3, 2), plane[19]);
                assertEquals(value(1, 0, 2), plane[1]);
            }
        }
    }

    @Test
    void convertWritesStandardOrderOverTheTransposedData() {
        Path in = write("emdb.map", 3, 1, 2);
        CliRun info = CliRun.run("info", in.toString());
        assertEquals(0, info.code(), info.err());
        assertTrue(info.out().contains("shape (z, y, x): (3, 4, 5)"), info.out());
        Path out = dir.resolve("out.mrc");
        CliRun r = CliRun.run("convert", in.toString(), out.toString());
        assertEquals(0, r.code(), r.err());
        // mrcfile (independent reader) sees the standard order and the values in place
        String seen = Python.run("import sys, mrcfile\n"
                + "with mrcfile.open(sys.argv[1]) as m:\n"
                + "  h = m.header\n"
                + "  print(int(h.mapc), int(h.mapr), int(h.maps), m.data.shape, float(m.data[2, 1, 4]),"
                + " int(h.nxstart), int(h.nystart), int(h.nzstart), [round(float(v), 3) for v in m.voxel_size.item()])",
                out);
        assertEquals("1 2 3 (3, 4, 5) " + value(4, 1, 2) + " 8 9 7 [2.0, 3.0, 4.0]", seen);
    }

    @Test
    void infoShowsEveryHeaderFieldOtherToolsMayReadDifferently() {
        Path p = dir.resolve("fei.mrc");
        Python.run("import sys, numpy as np, mrcfile\n"
                + "with mrcfile.new(sys.argv[1]) as m:\n"
                + "  m.set_data(np.zeros((3, 4, 5), np.int16))\n"
                + "  m.set_extended_header(np.zeros(64, dtype=np.uint8))\n"
                + "  h = m.header\n"
                + "  h.exttyp = b'FEI1'\n"
                + "  h.mapc, h.mapr, h.maps = 2, 1, 3\n"
                + "  h.mx, h.my, h.mz = 4, 5, 3\n"
                + "  h.cella = (8.0, 15.0, 9.0)\n"
                + "  h.origin = (1.5, 2.5, 3.5)\n"
                + "  h.nxstart, h.nystart, h.nzstart = 1, 2, 3\n", p);
        CliRun r = CliRun.run("info", p.toString());
        assertEquals(0, r.code(), r.err());
        String out = r.out();
        assertTrue(out.contains("shape (z, y, x): (3, 5, 4)  mode 1 (int16)  little-endian"), out);
        assertTrue(out.contains("voxel size (x, y, z): 2.0, 3.0, 3.0 Å"), out);
        assertTrue(out.contains("origin (x, y, z): 1.5, 2.5, 3.5 Å  start (x, y, z): 2, 1, 3"), out);
        assertTrue(out.contains("axis order (mapc, mapr, maps): 2, 1, 3 (columns along y, rows along x, sections along "
                + "z), read into (z, y, x)  sampling (mx, my, mz): 4, 5, 3  cell (x, y, z): 8.0, 15.0, 9.0 Å"), out);
        assertTrue(out.contains("space group 1  MRC version 20141  extended header: 64 bytes, type FEI1"), out);
    }
}
