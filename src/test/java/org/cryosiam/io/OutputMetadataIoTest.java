package org.cryosiam.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.cryosiam.ProductVersion;
import org.cryosiam.Python;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What outputs carry besides their voxels (issue 18, issue 17 items 4-5): MRC origin, start and label; HDF5
 * variable-length string attributes and the voxel size; float16 in MRC (mode 12) and HDF5. mrcfile and h5py are the
 * judges; our readers must read the same files.
 */
class OutputMetadataIoTest {
    @TempDir
    Path dir;

    private static final Geometry PLACED = new Geometry(new float[] {13.48f, 13.5f, 14f},
            new float[] {-120.5f, 33.25f, 1000f}, new int[] {-4, 7, 12});

    @Test
    void mrcKeepsOriginStartAndVoxelSizeAndCarriesALabel() {
        Path f = dir.resolve("placed.mrc");
        MrcWriter.write(f, NdData.float32(new float[] {1, 2, 3, 4, 5, 6}, 1, 2, 3), PLACED, "denoise_predict");
        String[] py = Python.run("import sys, mrcfile\n"
                + "assert mrcfile.validate(sys.argv[1], print_file=open('/dev/null', 'w'))\n"
                + "with mrcfile.open(sys.argv[1]) as m:\n"
                + "    h = m.header\n"
                + "    print(h.origin.x, h.origin.y, h.origin.z)\n"
                + "    print(h.nxstart, h.nystart, h.nzstart)\n"
                + "    print(round(float(m.voxel_size.x), 3), round(float(m.voxel_size.y), 3), round(float(m.voxel_size.z), 3))\n"
                + "    print(h.nlabl)\n"
                + "    print(h.label[0].decode().rstrip())\n", f).split("\n");
        assertEquals("-120.5 33.25 1000.0", py[0]);
        assertEquals("-4 7 12", py[1]);
        assertEquals("13.48 13.5 14.0", py[2]);
        assertEquals("1", py[3]);
        assertTrue(py[4].matches("cryosiam-jvm " + java.util.regex.Pattern.quote(ProductVersion.get())
                + " denoise_predict \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC"), py[4]);

        Geometry back = MrcReader.readHeader(f).geometry();
        assertArrayEquals(PLACED.origin(), back.origin());
        assertArrayEquals(PLACED.start(), back.start());
        assertArrayEquals(PLACED.voxelSize(), back.voxelSize(), 1e-5f);
    }

    @Test
    void float16RoundsAsNumpyDoes() {
        // ties to even, subnormals, the largest half, overflow to infinity, signed zero, NaN
        float[] v = {0f, -0f, 1f, 1.0004883f, 1.0014648f, 65504f, 65520f, 70000f, -65519f, 6.0e-8f, 2.98e-8f,
                3.0e-8f, 1e-5f, 0.1f, -3.14159f, Float.MIN_VALUE, Float.POSITIVE_INFINITY, Float.NaN, 2049f, 2051f};
        StringBuilder ours = new StringBuilder();
        StringBuilder args = new StringBuilder();
        for (float f : v) {
            ours.append(Float16.fromFloat(f) & 0xFFFF).append(' ');
            args.append(Float.floatToRawIntBits(f)).append(' ');
        }
        String numpy = Python.run("import sys, numpy as np\n"
                + "b = np.array([int(x) for x in sys.argv[1].split()], dtype=np.int64).astype(np.uint32)\n"
                + "h = b.view(np.float32).astype(np.float16).view(np.uint16)\n"
                + "print(' '.join(str(int(x)) for x in h))\n", args.toString().trim());
        assertEquals(numpy, ours.toString().trim());
        for (int bits = 0; bits < 0x10000; bits++) { // every half survives the trip through float
            short h = (short) bits;
            float f = Float16.toFloat(h);
            if (!Float.isNaN(f)) {
                assertEquals(bits, Float16.fromFloat(f) & 0xFFFF, "half " + Integer.toHexString(bits));
            }
        }
    }

    @Test
    void mrcMode12IsWrittenAndReadBothWays() {
        Path ours = dir.resolve("half.mrc");
        float[] v = {0.1f, -2.5f, 100.75f, 3e-6f, 0.333f, 7f}; // squares below 65504: mrcfile checks the rms in float16
        MrcWriter.writeFloat16(ours, NdData.float32(v, 1, 2, 3), PLACED, "semantic_predict");
        Path theirs = dir.resolve("theirs.mrc");
        String py = Python.run("import sys, mrcfile, numpy as np\n"
                + "assert mrcfile.validate(sys.argv[1], print_file=sys.stderr)\n"
                + "with mrcfile.open(sys.argv[1]) as m:\n"
                + "    assert m.header.mode == 12 and m.data.dtype == np.float16, (m.header.mode, m.data.dtype)\n"
                + "    want = np.array([float(x) for x in sys.argv[3].split()], np.float32).astype(np.float16)\n"
                + "    assert np.array_equal(m.data.ravel(), want), (m.data, want)\n"
                + "with mrcfile.new(sys.argv[2]) as m:\n"
                + "    m.set_data(np.arange(24, dtype=np.float16).reshape(2, 3, 4) / np.float16(8))\n"
                + "    m.voxel_size = 2.5\n"
                + "print('ok')\n", ours, theirs, "0.1 -2.5 100.75 3e-6 0.333 7");
        assertEquals("ok", py);
        NdData back = MrcReader.readData(ours).data();
        for (int i = 0; i < v.length; i++) {
            assertEquals(Float16.toFloat(Float16.fromFloat(v[i])), back.floats()[i]);
        }
        MrcReader.MrcData t = MrcReader.readData(theirs);
        assertEquals(12, t.header().mode());
        assertArrayEquals(new int[] {2, 3, 4}, t.data().shape());
        assertEquals(23 / 8f, t.data().floats()[23]);
        assertEquals(2.5f, t.header().voxelSize()[0]);
    }

    @Test
    void hdf5StringsAreVariableLengthUtf8AndTheVoxelSizeIsAFloatArray() throws IOException {
        Path f = dir.resolve("attrs.h5");
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("cryosiam_version", "0.1.0");
        attrs.put("empty", "");
        attrs.put("unicode", "voxel 13.48 Å, µm — ok");
        attrs.put("long", "x".repeat(5000)); // beyond one 4 KiB heap collection
        attrs.put(Hdf5.VOXEL_SIZE, PLACED.voxelSizeZyx());
        Map<String, NdData> data = new LinkedHashMap<>();
        data.put("labels", NdData.uint8(new byte[] {0, 1, 2, 3}, 1, 2, 2));
        data.put("probs", NdData.float32(new float[] {0.1f, 0.5f, 0.999f, 1e-4f}, 1, 1, 2, 2));
        Hdf5Writer.write(f, data, attrs, true);
        String py = Python.run("import sys, h5py, numpy as np\n"
                + "with h5py.File(sys.argv[1], 'r') as h:\n"
                + "    a = h.attrs\n"
                + "    for k in ('cryosiam_version', 'empty', 'unicode', 'long'):\n"
                + "        assert isinstance(a[k], str), (k, type(a[k]))\n"
                + "    assert a['unicode'] == 'voxel 13.48 \\u00c5, \\u00b5m \\u2014 ok', a['unicode']\n"
                + "    assert a['long'] == 'x' * 5000 and a['empty'] == ''\n"
                + "    v = a['voxel_size']\n"
                + "    assert v.dtype == np.float32 and v.shape == (3,), (v.dtype, v.shape)\n"
                + "    assert h['labels'].dtype == np.uint8 and h['probs'].dtype == np.float16\n"
                + "    want = np.array([0.1, 0.5, 0.999, 1e-4], np.float32).astype(np.float16)\n"
                + "    assert np.array_equal(h['probs'][()].ravel(), want)\n"
                + "    print(a['cryosiam_version'], *[float(x) for x in v])\n", f);
        assertEquals("0.1.0 14.0 13.5 " + (double) 13.48f, py);

        Map<String, Object> back = Hdf5.attributes(f);
        assertEquals("0.1.0", back.get("cryosiam_version"));
        assertEquals("", back.get("empty"));
        assertEquals("voxel 13.48 Å, µm — ok", back.get("unicode"));
        assertEquals("x".repeat(5000), back.get("long"));
        assertArrayEquals(PLACED.voxelSize(), Hdf5.voxelSize(f));
        NdData probs = Hdf5.read(f, "probs");
        assertEquals(ElementType.FLOAT32, probs.type());
        assertEquals(Float16.toFloat(Float16.fromFloat(0.999f)), probs.floats()[2]);
    }

    @Test
    void stringsThatFillTheHeapCollectionExactlyAreRead() throws IOException {
        for (int n : new int[] {4040, 4048, 4056, 4064}) { // the free space left: 32, 24, 16 bytes, or a bigger heap
            Path f = dir.resolve("fill" + n + ".h5");
            Hdf5Writer.write(f, Map.of("d", NdData.uint8(new byte[] {1}, 1)), Map.of("s", "y".repeat(n)), false);
            assertEquals("y".repeat(n), Hdf5.attributes(f).get("s"), "length " + n);
            assertEquals(String.valueOf(n), Python.run("import sys, h5py\n"
                    + "print(len(h5py.File(sys.argv[1], 'r').attrs['s']))", f));
        }
    }

    @Test
    void hdf5FromH5pyWithVoxelSizeAndFloat16IsRead() {
        Path f = dir.resolve("h5py.h5");
        Python.run("import sys, h5py, numpy as np\n"
                + "with h5py.File(sys.argv[1], 'w') as h:\n"
                + "    h['probs'] = np.array([[0.25, 0.5]], np.float16)\n"
                + "    h.attrs['voxel_size'] = np.array([3, 2, 1], np.float64)\n"
                + "    h.attrs['note'] = 'h5py str'\n", f);
        assertArrayEquals(new float[] {1f, 2f, 3f}, Hdf5.voxelSize(f));
        assertEquals("h5py str", Hdf5.attributes(f).get("note"));
        assertArrayEquals(new float[] {0.25f, 0.5f}, Hdf5.read(f, "probs").floats());
    }
}
