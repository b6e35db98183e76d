package org.cryosiam.io.zarr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.cryosiam.Python;
import org.cryosiam.io.ElementType;
import org.cryosiam.io.NdData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cross-checks with Debian's python3-zarr 2.13 / numcodecs 0.11 (c-blosc 1.21): it reads what we write, and we read
 * what it writes with every compressor found in practice. A missing module fails the test (see {@link Python}).
 */
class ZarrPythonTest {
    @TempDir
    Path dir;

    /** float64 values written by Python beside each array, little-endian: the expected content. */
    private static double[] raw(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        double[] d = new double[b.capacity() / 8];
        b.asDoubleBuffer().get(d);
        return d;
    }

    private static final String WRITE_ARRAYS = String.join("\n",
            "import sys, zarr, numpy as np",
            "from numcodecs import Blosc, Zstd, Zlib, GZip, LZ4",
            "root = sys.argv[1]",
            "rng = np.random.default_rng(0)",
            "cases = {",
            "  'default': (dict(), '<f4'),",
            "  'blosc_zstd': (dict(compressor=Blosc(cname='zstd', clevel=3, shuffle=Blosc.SHUFFLE)), '<f4'),",
            "  'blosc_zlib_noshuffle': (dict(compressor=Blosc(cname='zlib', shuffle=Blosc.NOSHUFFLE)), '>i2'),",
            "  'blosc_lz4_bitshuffle': (dict(compressor=Blosc(cname='lz4', shuffle=Blosc.BITSHUFFLE)), '<u2'),",
            "  'blosc_lz4hc': (dict(compressor=Blosc(cname='lz4hc', clevel=9)), '<f8'),",
            "  'blosc_bitshuffle_f4': (dict(compressor=Blosc(cname='zstd', shuffle=Blosc.BITSHUFFLE)), '<f4'),",
            "  'zstd': (dict(compressor=Zstd(level=3)), '<i4'),",
            "  'zlib': (dict(compressor=Zlib(level=5)), '>f4'),",
            "  'gzip': (dict(compressor=GZip(level=5)), '|u1'),",
            "  'none': (dict(compressor=None), '<f2'),",
            "  'slash_u4': (dict(dimension_separator='/'), '<u4'),",
            "  'int8': (dict(), '|i1'),",
            "  'lz4': (dict(compressor=LZ4()), '<i2'),",
            "}",
            "for name, (kw, dt) in cases.items():",
            "    for size, chunks in (((9, 20, 33), (4, 8, 16)), ((40, 64, 70), (40, 64, 64))):",
            "        n = size[0] * size[1] * size[2]",
            "        smooth = (np.arange(n) % 251).reshape(size) * 0.5",
            "        noisy = rng.standard_normal(size) * 40",
            "        x = np.where(np.arange(n).reshape(size) % 3 == 0, noisy, smooth)",
            "        if np.dtype(dt).kind in 'ui':",
            "            info = np.iinfo(np.dtype(dt))",
            "            x = np.clip(np.round(x), info.min, info.max)",
            "        x = x.astype(dt)",
            "        path = '%s/%s_%d.zarr' % (root, name, size[0])",
            "        z = zarr.open_array(path, mode='w', shape=size, chunks=chunks, dtype=dt, **kw)",
            "        z[:] = x",
            "        x.astype('<f8').tofile(path + '.f8')",
            "print('ok')");

    @Test
    void weReadWhatPythonZarrWrites() throws IOException {
        assertEquals("ok", Python.run(WRITE_ARRAYS, dir));
        int cases = 0;
        for (String name : List.of("default", "blosc_zstd", "blosc_zlib_noshuffle", "blosc_lz4_bitshuffle",
                "blosc_lz4hc", "blosc_bitshuffle_f4", "zstd", "zlib", "gzip", "none", "slash_u4", "int8", "lz4")) {
            for (int nz : new int[] {9, 40}) {
                Path a = dir.resolve(name + "_" + nz + ".zarr");
                double[] expected = raw(dir.resolve(name + "_" + nz + ".zarr.f8"));
                ZarrArray z = ZarrArray.open(a);
                assertArrayEquals(expected, z.readAll().toDoubleArray(), name + " " + nz);
                // a box across chunk borders
                NdData box = z.read(new int[] {3, 5, 13}, new int[] {5, 9, 20});
                int[] s = z.shape();
                for (int i = 0; i < 5; i++) {
                    for (int j = 0; j < 9; j++) {
                        for (int k = 0; k < 20; k++) {
                            assertEquals(expected[((3 + i) * s[1] + 5 + j) * s[2] + 13 + k],
                                    box.getDouble((i * 9 + j) * 20 + k), name);
                        }
                    }
                }
                cases++;
            }
        }
        assertEquals(26, cases);
    }

    @Test
    void pythonZarrReadsOurOmeZarr() throws IOException {
        int nz = 13, ny = 70, nx = 67;
        float[] v = new float[nz * ny * nx];
        byte[] labels = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) Math.sin(i * 0.01) * 100 + i % 17;
            labels[i] = (byte) (i / 1000 % 3 == 0 ? 200 : i % 4);
        }
        Path img = dir.resolve("img.zarr");
        Path lab = dir.resolve("lab.zarr");
        OmeZarr.write(img, NdData.float32(v, nz, ny, nx), new float[] {13.48f, 13.48f, 13.48f}, 2, false, "img");
        OmeZarr.write(lab, NdData.uint8(labels, nz, ny, nx), new float[] {2f, 2f, 2f}, 1, true, "lab");
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        Files.write(dir.resolve("img.f4"), b.array());
        Files.write(dir.resolve("lab.u1"), labels);
        String out = Python.run(String.join("\n",
                "import sys, zarr, numpy as np",
                "d = sys.argv[1]",
                "g = zarr.open_group(d + '/img.zarr', mode='r')",
                "ms = g.attrs['multiscales'][0]",
                "x = np.fromfile(d + '/img.f4', dtype='<f4').reshape(13, 70, 67)",
                "a = g['0']",
                "l1 = g['1'][:]",
                "pad = np.pad(x.astype(np.float64), ((0, 1), (0, 0), (0, 1)), mode='constant', constant_values=np.nan)",
                "mean = np.nanmean(pad.reshape(7, 2, 35, 2, 34, 2), axis=(1, 3, 5)).astype(np.float32)",
                "lg = zarr.open_group(d + '/lab.zarr', mode='r')",
                "lab = np.fromfile(d + '/lab.u1', dtype='u1').reshape(13, 70, 67)",
                "print(ms['version'], [ax['name'] + ':' + ax['unit'] for ax in ms['axes']],",
                "      ms['datasets'][0]['coordinateTransformations'], ms['datasets'][1]['coordinateTransformations'])",
                "print(a.dtype, a.chunks, a.compressor.cname, a.compressor.shuffle, a._dimension_separator,",
                "      bool(np.array_equal(a[:], x)), l1.shape, float(np.abs(l1 - mean).max()))",
                "print(lg['0'].dtype, bool(np.array_equal(lg['0'][:], lab)), sorted(lg.array_keys()))"), dir);
        String[] lines = out.split("\n");
        assertEquals("0.4 ['z:angstrom', 'y:angstrom', 'x:angstrom'] [{'type': 'scale', 'scale': [13.48, 13.48, "
                + "13.48]}] [{'type': 'scale', 'scale': [26.96, 26.96, 26.96]}, {'type': 'translation', "
                + "'translation': [6.74, 6.74, 6.74]}]", lines[0]);
        int cut = lines[1].lastIndexOf(' ');
        assertEquals("float32 (13, 64, 64) lz4 1 / True (7, 35, 34)", lines[1].substring(0, cut));
        assertEquals(0.0, Double.parseDouble(lines[1].substring(cut + 1)), 1e-4, "level 1 is the 2x2x2 mean");
        assertEquals("uint8 True ['0']", lines[2]);
    }

    /** A Zarr v3 OME-Zarr v0.5 image assembled by hand, its chunk bytes compressed by numcodecs' Blosc. */
    @Test
    void weReadAHandMadeV3OmeZarrWithBloscChunksFromPython() throws IOException {
        Path root = Files.createDirectories(dir.resolve("v05.zarr"));
        Files.writeString(root.resolve("zarr.json"), "{\"zarr_format\": 3, \"node_type\": \"group\", "
                + "\"attributes\": {\"ome\": {\"version\": \"0.5\", \"multiscales\": [{\"name\": \"t\", "
                + "\"axes\": [{\"name\": \"c\", \"type\": \"channel\"}, {\"name\": \"z\", \"type\": \"space\", "
                + "\"unit\": \"nanometer\"}, {\"name\": \"y\", \"type\": \"space\", \"unit\": \"nanometer\"}, "
                + "{\"name\": \"x\", \"type\": \"space\", \"unit\": \"nanometer\"}], \"datasets\": [{\"path\": \"s0\","
                + " \"coordinateTransformations\": [{\"type\": \"scale\", \"scale\": [1, 1.2, 1.1, 1.0]}]}]}]}}}");
        Path arr = Files.createDirectories(root.resolve("s0"));
        Files.writeString(arr.resolve("zarr.json"), ZarrFormatTest.v3Array("[1, 3, 20, 24]", "int16", "[1, 2, 16, 16]",
                "{\"name\": \"default\", \"configuration\": {\"separator\": \"/\"}}", "0",
                "[{\"name\": \"bytes\", \"configuration\": {\"endian\": \"little\"}}, {\"name\": \"blosc\", "
                + "\"configuration\": {\"cname\": \"zstd\", \"clevel\": 5, \"shuffle\": \"bitshuffle\", "
                + "\"typesize\": 2, \"blocksize\": 0}}]"));
        // chunk (0, i, j, k) holds value 1000 * i + 100 * j + 10 * k + position % 7 at every voxel
        assertEquals("ok", Python.run(String.join("\n",
                "import sys, os, numpy as np",
                "from numcodecs import Blosc",
                "c = Blosc(cname='zstd', clevel=5, shuffle=Blosc.BITSHUFFLE)",
                "for i in range(2):",
                "    for j in range(2):",
                "        for k in range(2):",
                "            if (i, j, k) == (1, 1, 1):",
                "                continue",
                "            x = (1000 * i + 100 * j + 10 * k + np.arange(512) % 7).astype('<i2')",
                "            p = os.path.join(sys.argv[1], 'c', '0', str(i), str(j))",
                "            os.makedirs(p, exist_ok=True)",
                "            open(os.path.join(p, str(k)), 'wb').write(c.encode(x.tobytes()))",
                "print('ok')"), arr));
        OmeZarr.Image img = OmeZarr.open(root);
        assertEquals("0.5", img.version());
        assertArrayEquals(new int[] {3, 20, 24}, img.shape());
        assertArrayEquals(new float[] {10f, 11f, 12f}, img.voxelSize(), 1e-5f, "nm scale in Å, {x, y, z}");
        assertEquals(ElementType.INT16, img.type());
        NdData d = img.readAll();
        for (int z = 0; z < 3; z++) {
            for (int y = 0; y < 20; y++) {
                for (int x = 0; x < 24; x++) {
                    int i = z / 2, j = y / 16, k = x / 16;
                    int pos = ((z % 2) * 16 + y % 16) * 16 + x % 16;
                    int expected = (i == 1 && j == 1 && k == 1) ? 0 : 1000 * i + 100 * j + 10 * k + pos % 7;
                    assertEquals(expected, d.shorts()[(z * 20 + y) * 24 + x], z + "," + y + "," + x);
                }
            }
        }
    }
}
