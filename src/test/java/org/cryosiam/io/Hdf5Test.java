package org.cryosiam.io;

import org.cryosiam.Python;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.cryosiam.CryosiamUserException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Hdf5Test {
    @TempDir
    Path dir;

    /** One dataset of every element type, with extreme values, odd shapes and an empty one. */
    private static Map<String, NdData> allTypes() {
        Map<String, NdData> m = new LinkedHashMap<>();
        m.put("labels", NdData.uint8(new byte[] {0, 1, 2, (byte) 200, (byte) 255, 7}, 1, 2, 3));
        m.put("i8", NdData.int8(new byte[] {-128, -1, 0, 127, 5}, 5));
        m.put("instances", NdData.uint32(new int[] {0, 1, -1, 123456789, Integer.MIN_VALUE, 42}, 3, 1, 2));
        m.put("i32", NdData.int32(new int[] {Integer.MIN_VALUE, -1, 0, Integer.MAX_VALUE}, 2, 2));
        m.put("i64", NdData.int64(new long[] {Long.MIN_VALUE, -1, 0, Long.MAX_VALUE, 1L << 40}, 5));
        m.put("probs", NdData.float32(new float[] {0f, -1.5f, Float.MAX_VALUE, Float.MIN_VALUE, Float.NaN, 1e-7f,
                0.1f}, 1, 7, 1, 1));
        m.put("embeddings", NdData.float64(new double[] {Math.PI, -0.0, 1e300, Double.NEGATIVE_INFINITY, 0.1, 2},
                2, 3));
        m.put("empty", NdData.int64(new long[0], 0));
        m.put("one", NdData.float32(new float[] {3.25f}, 1, 1, 1));
        return m;
    }

    @Test
    void roundTripEveryType() {
        Path f = dir.resolve("all.h5");
        Map<String, NdData> in = allTypes();
        Hdf5.write(f, in);
        assertEquals(in.keySet().stream().sorted().toList(), Hdf5.datasetNames(f));
        Map<String, NdData> out = Hdf5.readAll(f);
        for (Map.Entry<String, NdData> e : in.entrySet()) {
            NdData a = e.getValue(), b = out.get(e.getKey());
            assertEquals(a.type(), b.type(), e.getKey());
            assertArrayEquals(a.shape(), b.shape(), e.getKey());
            assertTrue(java.util.Objects.deepEquals(a.data(), b.data()), e.getKey());
        }
    }

    @Test
    void h5pyReadsOurFilesWithTheRightDtypes() {
        Path f = dir.resolve("ours.h5");
        Hdf5.write(f, allTypes());
        String out = Python.run("import sys, h5py, numpy as np\n"
                + "with h5py.File(sys.argv[1], 'r') as h:\n"
                + "    for k in sorted(h):\n"
                + "        d = h[k][()]\n"
                + "        print(k, h[k].dtype, h[k].shape, repr(d.ravel().tolist()))\n", f);
        String[] lines = out.split("\n");
        Map<String, String> byName = new LinkedHashMap<>();
        for (String l : lines) {
            byName.put(l.substring(0, l.indexOf(' ')), l);
        }
        assertEquals("labels uint8 (1, 2, 3) [0, 1, 2, 200, 255, 7]", byName.get("labels"));
        assertEquals("i8 int8 (5,) [-128, -1, 0, 127, 5]", byName.get("i8"));
        assertEquals("instances uint32 (3, 1, 2) [0, 1, 4294967295, 123456789, 2147483648, 42]",
                byName.get("instances"));
        assertEquals("i32 int32 (2, 2) [-2147483648, -1, 0, 2147483647]", byName.get("i32"));
        assertEquals("i64 int64 (5,) [-9223372036854775808, -1, 0, 9223372036854775807, 1099511627776]",
                byName.get("i64"));
        assertEquals("probs float32 (1, 7, 1, 1) [0.0, -1.5, 3.4028234663852886e+38, 1.401298464324817e-45, nan, "
                + "1.0000000116860974e-07, 0.10000000149011612]", byName.get("probs"));
        assertEquals("embeddings float64 (2, 3) [3.141592653589793, -0.0, 1e+300, -inf, 0.1, 2.0]",
                byName.get("embeddings"));
        assertEquals("empty int64 (0,) []", byName.get("empty"));
        assertEquals("one float32 (1, 1, 1) [3.25]", byName.get("one"));
    }

    @Test
    void readsWhatH5pyWrites() {
        Path f = dir.resolve("py.h5");
        Python.run("import sys, h5py, numpy as np\n"
                + "with h5py.File(sys.argv[1], 'w') as h:\n"
                + "    h['labels'] = np.arange(24, dtype=np.uint8).reshape(2, 3, 4) * 10\n"
                + "    h['instances'] = np.array([0, 4000000000, 7], dtype=np.uint32)\n"
                + "    h['chunked'] = np.arange(1000, dtype=np.float32).reshape(10, 100)\n"
                + "    h.create_dataset('gz', data=np.arange(50, dtype=np.int64), chunks=(7,), compression='gzip')\n"
                + "    h['i32'] = np.array([-5, 5], dtype=np.int32)\n"
                + "    h['f64'] = np.array([[0.5], [1e-5]])\n"
                + "    h['i8'] = np.array([-3], dtype=np.int8)\n"
                + "    h.create_dataset('empty', shape=(0, 3), dtype=np.float32)\n", f);
        assertEquals(List.of("chunked", "empty", "f64", "gz", "i32", "i8", "instances", "labels"), Hdf5.datasetNames(f));
        NdData labels = Hdf5.read(f, "labels");
        assertEquals(ElementType.UINT8, labels.type());
        assertArrayEquals(new int[] {2, 3, 4}, labels.shape());
        assertEquals(230, labels.bytes()[23] & 0xFF);
        NdData inst = Hdf5.read(f, "instances");
        assertEquals(ElementType.UINT32, inst.type());
        assertArrayEquals(new long[] {0, 4000000000L, 7}, inst.toLongArray());
        NdData chunked = Hdf5.read(f, "chunked");
        assertArrayEquals(new int[] {10, 100}, chunked.shape());
        assertEquals(999f, chunked.floats()[999]);
        assertEquals(49L, Hdf5.read(f, "gz").longs()[49]);
        assertArrayEquals(new int[] {-5, 5}, Hdf5.read(f, "i32").ints());
        assertArrayEquals(new double[] {0.5, 1e-5}, Hdf5.read(f, "f64").doubles());
        assertEquals(ElementType.INT8, Hdf5.read(f, "i8").type());
        assertArrayEquals(new int[] {0, 3}, Hdf5.read(f, "empty").shape());
    }

    @Test
    void missingDatasetAndFileAreUserErrorsNamingThem() {
        Path f = dir.resolve("one.h5");
        Hdf5.write(f, "labels", NdData.uint8(new byte[] {1}, 1));
        CryosiamUserException e = assertThrows(CryosiamUserException.class, () -> Hdf5.read(f, "probs"));
        assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("'probs'"), e.getMessage());
        Path missing = dir.resolve("nope.h5");
        e = assertThrows(CryosiamUserException.class, () -> Hdf5.read(missing, "labels"));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }

    @Test
    void largeVolumeWritesWithoutNestedArrays() {
        Path f = dir.resolve("big.h5");
        int n = 64 * 128 * 130; // more than one streaming chunk of elements
        float[] v = new float[n * 2];
        for (int i = 0; i < v.length; i++) {
            v[i] = i * 0.5f;
        }
        Hdf5.write(f, "preds", NdData.float32(v, 2, 64, 128, 130));
        NdData r = Hdf5.read(f, "preds");
        assertArrayEquals(v, r.floats());
        assertEquals(String.valueOf(v[v.length - 1]), Python.run("import sys, h5py\n"
                + "print(float(h5py.File(sys.argv[1], 'r')['preds'][1, 63, 127, 129]))", f));
    }
}
