package org.cryosiam.io.zarr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.cryosiam.CliRun;
import org.cryosiam.Python;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OME-Zarr stores as other tools write them (zarr-python as the independent writer, mrcfile as the MRC side): the
 * conventions of the README's "Header conventions of other tools".
 */
class OmeZarrFieldFilesTest {
    @TempDir
    Path dir;

    /** An MRC of x, y, z = 6, 5, 4, voxel size 2 Å, value x + 10 y + 100 z, with the given origin and start. */
    private Path mrc(String name, String origin, String start) {
        Path p = dir.resolve(name);
        Python.run("import sys, numpy as np, mrcfile\n"
                + "z, y, x = np.meshgrid(np.arange(4), np.arange(5), np.arange(6), indexing='ij')\n"
                + "with mrcfile.new(sys.argv[1], overwrite=True) as m:\n"
                + "  m.set_data((x + 10 * y + 100 * z).astype(np.float32))\n"
                + "  m.voxel_size = 2.0\n"
                + "  m.header.origin = tuple(float(v) for v in sys.argv[2].split(','))\n"
                + "  m.header.nxstart, m.header.nystart, m.header.nzstart = (int(v) for v in sys.argv[3].split(','))\n",
                p, origin, start);
        return p;
    }

    /** Origin, start and voxel size of an MRC file, as mrcfile reads them. */
    private static String mrcPlace(Path p) {
        return Python.run("import sys, mrcfile\n"
                + "with mrcfile.open(sys.argv[1]) as m:\n"
                + "  h = m.header\n"
                + "  print([float(v) for v in h.origin.item()], [int(h.nxstart), int(h.nystart), int(h.nzstart)],"
                + " float(m.voxel_size.x))", p);
    }

    /** The coordinateTransformations of each level of an OME-Zarr v0.4 store, as JSON. */
    private static String transforms(Path zarr) {
        return Python.run("import sys, json\n"
                + "ms = json.load(open(sys.argv[1] + '/.zattrs'))['multiscales'][0]\n"
                + "for d in ms['datasets']:\n"
                + "  print(json.dumps(d['coordinateTransformations']))", zarr);
    }

    @Test
    void mrcOriginTravelsThroughOmeZarrAndBack() {
        Path in = mrc("origin.mrc", "10.5,-20,30", "0,0,0");
        Path zarr = dir.resolve("origin.zarr");
        CliRun r = CliRun.run("convert", in.toString(), zarr.toString(), "--levels", "2");
        assertEquals(0, r.code(), r.err());
        // level 0: the origin (z, y, x); level 1: plus its own half-voxel shift (2 Å voxels doubled: +1 Å)
        assertEquals("[{\"type\": \"scale\", \"scale\": [2.0, 2.0, 2.0]}, {\"type\": \"translation\", \"translation\": "
                + "[30.0, -20.0, 10.5]}]\n[{\"type\": \"scale\", \"scale\": [4.0, 4.0, 4.0]}, {\"type\": "
                + "\"translation\", \"translation\": [31.0, -19.0, 11.5]}]", transforms(zarr));
        Path back = dir.resolve("back.mrc");
        r = CliRun.run("convert", zarr.toString(), back.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("[10.5, -20.0, 30.0] [0, 0, 0] 2.0", mrcPlace(back));
    }

    @Test
    void mrcStartBecomesTheTranslationAndComesBackAsOrigin() {
        Path in = mrc("start.mrc", "0,0,0", "4,5,6");
        Path zarr = dir.resolve("start.zarr");
        assertEquals(0, CliRun.run("convert", in.toString(), zarr.toString()).code());
        assertEquals("[{\"type\": \"scale\", \"scale\": [2.0, 2.0, 2.0]}, {\"type\": \"translation\", \"translation\": "
                + "[12.0, 10.0, 8.0]}]", transforms(zarr));
        Path back = dir.resolve("start_back.mrc");
        assertEquals(0, CliRun.run("convert", zarr.toString(), back.toString()).code());
        // ChimeraX places both files alike: start × voxel size when the origin is 0
        assertEquals("[8.0, 10.0, 12.0] [0, 0, 0] 2.0", mrcPlace(back));
    }

    @Test
    void aTranslationWrittenByZarrPythonBecomesTheMrcOrigin() {
        Path zarr = dir.resolve("nm.zarr");
        Python.run("import sys, json, zarr, numpy as np\n"
                + "g = zarr.open_group(sys.argv[1], mode='w')\n"
                + "g.create_dataset('s0', data=np.arange(60, dtype=np.float32).reshape(3, 4, 5), chunks=(3, 4, 5))\n"
                + "g.attrs['multiscales'] = [{'version': '0.4', 'axes': [\n"
                + "  {'name': n, 'type': 'space', 'unit': 'nanometer'} for n in 'zyx'],\n"
                + "  'datasets': [{'path': 's0', 'coordinateTransformations': [\n"
                + "    {'type': 'scale', 'scale': [0.5, 0.25, 0.25]},\n"
                + "    {'type': 'translation', 'translation': [7.0, 8.0, 9.0]}]}]}]\n", zarr);
        OmeZarr.Image img = OmeZarr.open(zarr);
        assertArrayEquals(new float[] {90f, 80f, 70f}, img.translation());
        Path mrc = dir.resolve("nm.mrc");
        CliRun r = CliRun.run("convert", zarr.toString(), mrc.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("[90.0, 80.0, 70.0] [0, 0, 0] 2.5", mrcPlace(mrc));
    }

    @Test
    void aTranslationThatIsNotANumberIsRefused() {
        Path zarr = dir.resolve("bad.zarr");
        Python.run("import sys, zarr, numpy as np\n"
                + "g = zarr.open_group(sys.argv[1], mode='w')\n"
                + "g.create_dataset('0', data=np.zeros((2, 2, 2), np.float32))\n"
                + "g.attrs['multiscales'] = [{'version': '0.4', 'axes': [{'name': n, 'type': 'space'} for n in 'zyx'],\n"
                + "  'datasets': [{'path': '0', 'coordinateTransformations': [{'type': 'scale', 'scale': [1, 1, 1]},"
                + " {'type': 'translation', 'translation': [1, 'a', 2]}]}]}]\n", zarr);
        CliRun r = CliRun.run("info", zarr.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("the translation value a is not a finite number"), r.err());
    }

    @Test
    void anUnsetVoxelSizeIsWrittenAsUnknownAndEveryStoreMeetsTheSchema() {
        Path zero = dir.resolve("zero.mrc"); // mrcfile's default header: voxel size 0
        Python.run("import sys, numpy as np, mrcfile\n"
                + "with mrcfile.new(sys.argv[1]) as m:\n"
                + "  m.set_data(np.arange(4 * 5 * 6, dtype=np.float32).reshape(4, 5, 6))\n"
                + "  m.header.origin = (5.0, 6.0, 7.0)\n", zero);
        Path negative = dir.resolve("negative.mrc"); // a cell of -12 Å: voxel size -2
        Python.run("import sys, numpy as np, mrcfile\n"
                + "with mrcfile.new(sys.argv[1]) as m:\n"
                + "  m.set_data(np.ones((4, 5, 6), np.int16))\n"
                + "  m.header.cella = (-12.0, 10.0, 8.0)\n", negative);
        Path infinite = dir.resolve("inf.mrc");
        Python.run("import sys, numpy as np, mrcfile\n"
                + "with mrcfile.new(sys.argv[1]) as m:\n"
                + "  m.set_data(np.ones((4, 5, 6), np.float32))\n"
                + "  m.header.cella = (float('inf'), 10.0, 8.0)\n", infinite);
        Path placed = mrc("placed.mrc", "10.5,-20,30", "0,0,0");
        Path[] stores = new Path[5];
        int k = 0;
        for (Path in : new Path[] {zero, negative, infinite, placed}) {
            Path out = dir.resolve(in.getFileName().toString().replace(".mrc", ".zarr"));
            CliRun r = CliRun.run("convert", in.toString(), out.toString(), "--levels", "2");
            assertEquals(0, r.code(), r.err());
            if (in != placed) {
                assertTrue(r.err().contains("which is not set; " + out + " is written with 1 per voxel and no unit "
                        + "(give --voxel-size A to set it)."), r.err());
                assertArrayEquals(new float[] {1f, 1f, 1f}, OmeZarr.open(out).voxelSize(), "read back");
                assertArrayEquals(new float[3], OmeZarr.open(out).translation(), "no place on an unknown grid");
            }
            stores[k++] = out;
        }
        assertEquals("[{\"type\": \"scale\", \"scale\": [1.0, 1.0, 1.0]}]\n[{\"type\": \"scale\", \"scale\": "
                + "[2.0, 2.0, 2.0]}, {\"type\": \"translation\", \"translation\": [0.5, 0.5, 0.5]}]",
                transforms(stores[0]));
        Path labels = dir.resolve("labels.zarr"); // integer data: downsampled by mode, said in the metadata
        assertEquals(0, CliRun.run("convert", negative.toString(), labels.toString(), "--voxel-size", "3").code());
        stores[k] = labels;
        NgffSchema.assertValid(stores);
        assertEquals("org.cryosiam.io.zarr.Downsample.halve {'mode': True} mode", Python.run("import sys, json\n"
                + "ms = json.load(open(sys.argv[1] + '/.zattrs'))['multiscales'][0]\n"
                + "print(ms['metadata']['method'], ms['metadata']['kwargs'], ms['type'])", labels));
    }

    @Test
    void theSchemaCheckRefusesWhatTheOldWriterWrote() throws java.io.IOException {
        // what an unset voxel size gave before: a null (infinite) scale and a 0 one
        for (String scale : new String[] {"[null, 1.0, 1.0]", "[0.0, 1.0, 1.0]", "[1.0, 1.0]"}) {
            Path store = java.nio.file.Files.createDirectories(dir.resolve("old" + scale.length() + scale.charAt(1)
                    + ".zarr"));
            java.nio.file.Files.writeString(store.resolve(".zattrs"), "{\"multiscales\": [{\"version\": \"0.4\", "
                    + "\"axes\": [{\"name\": \"z\", \"type\": \"space\", \"unit\": \"angstrom\"}, {\"name\": \"y\", "
                    + "\"type\": \"space\", \"unit\": \"angstrom\"}, {\"name\": \"x\", \"type\": \"space\", \"unit\": "
                    + "\"angstrom\"}], \"datasets\": [{\"path\": \"0\", \"coordinateTransformations\": [{\"type\": "
                    + "\"scale\", \"scale\": " + scale + "}]}], \"metadata\": {\"method\": \"m\", \"description\": "
                    + "\"d\"}}]}");
            org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class, () -> NgffSchema.assertValid(store),
                    scale);
        }
    }

    @Test
    void spatialAxesInAnyOrderAreReadByName() {
        Path zarr = dir.resolve("xyz.zarr");
        // the CryoET Data Portal's order x, y, z, after a channel axis of length 1; chunks cut every axis
        Python.run("import sys, zarr, numpy as np\n"
                + "x, y, z = np.meshgrid(np.arange(6), np.arange(5), np.arange(4), indexing='ij')\n"
                + "g = zarr.open_group(sys.argv[1], mode='w')\n"
                + "g.create_dataset('0', data=(x + 10 * y + 100 * z).astype(np.float32)[None], chunks=(1, 4, 2, 3))\n"
                + "g.attrs['multiscales'] = [{'version': '0.4', 'axes': [{'name': 'c', 'type': 'channel'}] + [\n"
                + "  {'name': n, 'type': 'space', 'unit': 'angstrom'} for n in 'xyz'],\n"
                + "  'datasets': [{'path': '0', 'coordinateTransformations': [\n"
                + "    {'type': 'scale', 'scale': [1.0, 2.0, 3.0, 4.0]}, {'type': 'translation', 'translation': [0, 6, 7, 8]}]}]}]\n",
                zarr);
        OmeZarr.Image img = OmeZarr.open(zarr);
        assertArrayEquals(new int[] {4, 5, 6}, img.shape());
        assertArrayEquals(new float[] {2f, 3f, 4f}, img.voxelSize());
        assertArrayEquals(new float[] {6f, 7f, 8f}, img.translation());
        float[] v = OmeZarr.read(zarr).data();
        for (int z = 0; z < 4; z++) {
            for (int y = 0; y < 5; y++) {
                for (int x = 0; x < 6; x++) {
                    assertEquals(x + 10 * y + 100 * z, v[(z * 5 + y) * 6 + x], "x " + x + " y " + y + " z " + z);
                }
            }
        }
        try (org.cryosiam.io.PlaneReader planes = OmeZarr.planes(zarr)) {
            float[] plane = new float[30];
            planes.read(3, plane);
            assertEquals(345f, plane[29]);
        }
        CliRun info = CliRun.run("info", zarr.toString());
        assertEquals(0, info.code(), info.err());
        assertTrue(info.out().contains("OME-Zarr 0.4 (Zarr v2), 1 level(s)\n  axes: c (channel, no unit), x (space, "
                + "angstrom), y (space, angstrom), z (space, angstrom)\n  level 0  shape (z, y, x) (4, 5, 6)  float32  "
                + "chunks (1, 4, 2, 3)  voxel size (x, y, z): 2.0, 3.0, 4.0 Å  translation (x, y, z): 6.0, 7.0, 8.0 Å"),
                info.out());
        Path mrc = dir.resolve("xyz.mrc");
        CliRun r = CliRun.run("convert", zarr.toString(), mrc.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("(4, 5, 6) 345.0 [2.0, 3.0, 4.0]", Python.run("import sys, mrcfile\n"
                + "with mrcfile.open(sys.argv[1]) as m:\n"
                + "  print(m.data.shape, float(m.data[3, 4, 5]), [float(v) for v in m.voxel_size.item()])", mrc));
        Path twice = dir.resolve("twice.zarr");
        Python.run("import sys, zarr, numpy as np\n"
                + "g = zarr.open_group(sys.argv[1], mode='w')\n"
                + "g.create_dataset('0', data=np.zeros((2, 2, 2, 2), np.float32))\n"
                + "g.attrs['multiscales'] = [{'version': '0.4', 'axes': [{'name': n, 'type': 'space'} for n in 'zyxx'],\n"
                + "  'datasets': [{'path': '0', 'coordinateTransformations': [{'type': 'scale', 'scale': [1, 1, 1, 1]}]}]}]\n",
                twice);
        r = CliRun.run("info", twice.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("name an axis twice"), r.err());
    }

    @Test
    void bioformats2rawOpensSeriesZeroAndAnotherByItsPath() {
        Path root = dir.resolve("b2r.zarr");
        Python.run("import sys, os, zarr, numpy as np\n"
                + "root = zarr.open_group(sys.argv[1], mode='w')\n"
                + "root.attrs['bioformats2raw.layout'] = 3\n"
                + "ome = root.create_group('OME')\n"
                + "ome.attrs['series'] = ['0', '1']\n"
                + "open(os.path.join(sys.argv[1], 'OME', 'METADATA.ome.xml'), 'w').write('<OME/>')\n"
                + "for s, value in (('0', 1.0), ('1', 2.0)):\n"
                + "  g = root.create_group(s)\n"
                + "  g.create_dataset('0', data=np.full((1, 1, 3, 4, 5), value, np.float32))\n"
                + "  g.attrs['multiscales'] = [{'version': '0.4', 'axes': [{'name': 't', 'type': 'time'},\n"
                + "    {'name': 'c', 'type': 'channel'}] + [{'name': n, 'type': 'space', 'unit': 'nanometer'} for n in 'zyx'],\n"
                + "    'datasets': [{'path': '0', 'coordinateTransformations': [{'type': 'scale',\n"
                + "      'scale': [1.0, 1.0, float(s) + 1, 1.0, 1.0]}]}]}]\n", root);
        OmeZarr.Image first = OmeZarr.open(root);
        assertArrayEquals(new int[] {3, 4, 5}, first.shape());
        assertEquals(1f, first.readAll().toFloatArray()[0]);
        CliRun info = CliRun.run("info", root + "/1");
        assertEquals(0, info.code(), info.err());
        assertTrue(info.out().contains("voxel size (x, y, z): 10.0, 10.0, 20.0 Å"), info.out());
        Path mrc = dir.resolve("series1.mrc");
        CliRun r = CliRun.run("convert", root + "/1", mrc.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(2f, org.cryosiam.io.MrcReader.read(mrc).data()[0]);
    }

    /** An image as ome-zarr-py wrote it at an old OME-NGFF version: 0.1/0.2 without axes, 0.3 with axis names. */
    private Path oldVersion(String version, String axes, String shape) {
        Path root = dir.resolve("v" + version + ".zarr");
        Python.run("import sys, json, zarr, numpy as np\n"
                + "shape = tuple(int(v) for v in sys.argv[4].split(','))\n"
                + "g = zarr.open_group(sys.argv[1], mode='w')\n"
                + "g.create_dataset('0', data=np.arange(np.prod(shape), dtype=np.uint16).reshape(shape))\n"
                + "ms = {'version': sys.argv[2], 'datasets': [{'path': '0'}]}\n"
                + "if sys.argv[3]:\n"
                + "  ms['axes'] = sys.argv[3].split(',')\n"
                + "g.attrs['multiscales'] = [ms]\n", root, version, axes, shape);
        return root;
    }

    @Test
    void oldNgffVersionsAreReadAndUnknownOnesRefusedByVersion() {
        for (String v : new String[] {"0.1", "0.2"}) {
            OmeZarr.Image img = OmeZarr.open(oldVersion(v, "", "1,1,3,4,5"));
            assertArrayEquals(new int[] {3, 4, 5}, img.shape());
            assertArrayEquals(new float[] {1f, 1f, 1f}, img.voxelSize());
            assertEquals(59.0, img.readAll().getDouble(59));
        }
        OmeZarr.Image v3 = OmeZarr.open(oldVersion("0.3", "c,z,y,x", "1,3,4,5"));
        assertArrayEquals(new int[] {3, 4, 5}, v3.shape());
        CliRun r = CliRun.run("info", oldVersion("0.6", "z,y,x", "3,4,5").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("OME-NGFF version 0.6 is not one we read (0.1, 0.2, 0.3, 0.4, 0.5)"), r.err());
    }
}
