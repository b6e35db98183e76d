package org.cryosiam.io.zarr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.cryosiam.CliRun;
import org.cryosiam.Python;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Volumes whose metadata describe no usable grid (issue 28, item 4), written by zarr-python and h5py: a scale that
 * overflows the float32 an MRC header holds, and a zero-length axis. Each is one sentence and exit 2, and nothing is
 * written.
 */
class ImpossibleGeometryTest {
    @TempDir
    Path dir;

    private Path omeZarr(String name, String shape, String scale) {
        Path p = dir.resolve(name);
        Python.run("import sys, json, numpy as np, zarr\n"
                + "shape = tuple(int(v) for v in sys.argv[2].split(','))\n"
                + "g = zarr.open_group(sys.argv[1], mode='w')\n"
                + "a = g.create_dataset('0', shape=shape, chunks=(2, 4, 4), dtype='f4')\n"
                + "if all(shape): a[:] = 1\n"
                + "g.attrs['multiscales'] = [{'version': '0.4', 'axes': [{'name': n, 'type': 'space', 'unit': "
                + "'angstrom'} for n in 'zyx'], 'datasets': [{'path': '0', 'coordinateTransformations': [{'type': "
                + "'scale', 'scale': json.loads(sys.argv[3])}]}]}]\n", p, shape, scale);
        return p;
    }

    private void refused(String expected, String... args) {
        CliRun r = CliRun.run(args);
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains(expected), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
        assertEquals(1, r.err().strip().lines().filter(l -> l.startsWith("cryosiam")).count(), r.err());
    }

    @Test
    void aScaleBeyondFloat32IsRefusedNotWrittenAsInfinity() {
        Path z = omeZarr("huge.zarr", "4,4,4", "[1e308, 1e308, 1e308]");
        Path out = dir.resolve("out.mrc");
        refused("do not fit in a float32", "convert", z.toString(), out.toString());
        refused("do not fit in a float32", "info", z.toString());
        assertFalse(Files.exists(out));
        // a large but real voxel size (1 mm) is still read
        Path mm = omeZarr("mm.zarr", "4,4,4", "[1e7, 1e7, 1e7]");
        assertEquals(0, CliRun.run("convert", mm.toString(), dir.resolve("mm.mrc").toString()).code());
    }

    @Test
    void aZeroLengthAxisIsOneSentence() {
        Path z = omeZarr("empty.zarr", "0,4,4", "[1, 1, 1]");
        refused("has length 0", "info", z.toString());
        refused("has length 0", "convert", z.toString(), dir.resolve("e.mrc").toString());

        Path h5 = dir.resolve("empty.h5");
        Python.run("import sys, numpy as np, h5py\n"
                + "with h5py.File(sys.argv[1], 'w') as f: f.create_dataset('labels', data=np.zeros((0, 4, 4), 'u1'))\n",
                h5);
        Path out = dir.resolve("e2.mrc");
        refused("zero-length axis", "convert", h5 + ":labels", out.toString());
        assertFalse(Files.exists(out));
        CliRun info = CliRun.run("info", h5.toString()); // an HDF5 file may hold an empty dataset: it is described
        assertEquals(0, info.code(), info.err());
        assertTrue(info.out().contains("no values"), info.out());
    }
}
