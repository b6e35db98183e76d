package org.cryosiam.io.zarr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.UserErrors;
import org.cryosiam.io.ElementType;
import org.cryosiam.io.NdData;
import org.cryosiam.volume.Volume;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** OME-Zarr metadata, pyramids and downsampling on small hand-made volumes. */
class ZarrOmeTest {
    @TempDir
    Path dir;

    @Test
    void meanAndModeOfTwoByTwoByTwoBlocks() {
        // 2x2x3: one full block (x 0-1) and one half block at the odd edge (x 2)
        float[] f = {1, 2, 10, 3, 4, 20, 5, 6, 30, 7, 8, 40};
        NdData m = Downsample.halve(NdData.float32(f, 2, 2, 3), false);
        assertArrayEquals(new int[] {1, 1, 2}, m.shape());
        assertArrayEquals(new float[] {(1 + 2 + 3 + 4 + 5 + 6 + 7 + 8) / 8f, 25f}, m.floats());
        // labels: 5 appears three times, 2 twice; at the edge 9 and 4 tie twice each -> the smaller, 4
        byte[] l = {5, 5, 9, 2, 5, 4, 2, 1, 9, 3, 0, 4};
        NdData mode = Downsample.halve(NdData.uint8(l, 2, 2, 3), true);
        assertArrayEquals(new byte[] {5, 4}, mode.bytes());
        assertTrue(Downsample.modeByDefault(ElementType.UINT32));
        assertFalse(Downsample.modeByDefault(ElementType.FLOAT32));
    }

    @Test
    void levelsHalveUntilTheSmallestSideIsBelow64() {
        assertEquals(1, OmeZarr.autoLevels(new int[] {40, 52, 47}));
        assertEquals(2, OmeZarr.autoLevels(new int[] {64, 200, 200}));
        assertEquals(3, OmeZarr.autoLevels(new int[] {128, 128, 128}));
        assertEquals(5, OmeZarr.autoLevels(new int[] {512, 1024, 1024}));
    }

    @Test
    void writesAPyramidAndReadsEachLevelBack() throws IOException {
        int nz = 5, ny = 6, nx = 7;
        float[] v = new float[nz * ny * nx];
        for (int i = 0; i < v.length; i++) {
            v[i] = i * 0.5f;
        }
        Path root = dir.resolve("t.zarr");
        OmeZarr.write(root, NdData.float32(v, nz, ny, nx), new float[] {2f, 2f, 3f}, 3, false, "t");
        Map<String, Object> attrs = ZarrArray.jsonObject(root.resolve(".zattrs"));
        Map<?, ?> ms = (Map<?, ?>) ((List<?>) attrs.get("multiscales")).get(0);
        assertEquals("0.4", ms.get("version"));
        assertEquals(3, ((List<?>) ms.get("datasets")).size());
        assertTrue(Files.isRegularFile(root.resolve(".zgroup")));
        OmeZarr.Image full = OmeZarr.open(root);
        assertArrayEquals(new float[] {2f, 2f, 3f}, full.voxelSize());
        assertArrayEquals(v, full.readAll().floats());
        OmeZarr.Image l1 = OmeZarr.open(root, 1);
        assertArrayEquals(new int[] {3, 3, 4}, l1.shape());
        assertArrayEquals(new float[] {4f, 4f, 6f}, l1.voxelSize());
        assertArrayEquals(Downsample.halve(NdData.float32(v, nz, ny, nx), false).floats(), l1.readAll().floats());
        assertArrayEquals(new int[] {2, 2, 2}, OmeZarr.open(root, 2).shape());
        Volume vol = OmeZarr.read(root);
        assertEquals(3f, vol.voxelSize()[2]);
        // a slab of z, as a streaming reader asks for it
        NdData slab = full.read(new int[] {2, 0, 0}, new int[] {1, ny, nx});
        assertEquals(v[2 * ny * nx + 5], slab.floats()[5]);
        // writing again replaces the folder as a whole: no chunk of the old pyramid is left
        OmeZarr.write(root, NdData.float32(v, nz, ny, nx), new float[] {2f, 2f, 3f}, 1, false, "t");
        assertFalse(Files.exists(root.resolve("1")));
        try (var s = Files.list(dir)) {
            assertEquals(List.of("t.zarr"), s.map(p -> p.getFileName().toString()).toList(), "no temporary left");
        }
    }

    @Test
    void aBareArrayIsATomogramWithUnitVoxels() throws IOException {
        Path a = dir.resolve("bare.zarr");
        ZarrWriter.create(a, new int[] {2, 2, 2}, new int[] {2, 2, 2}, ElementType.UINT8, Map.of())
                .write(new int[3], NdData.uint8(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, 2, 2, 2));
        assertTrue(OmeZarr.isZarr(a));
        OmeZarr.Image img = OmeZarr.open(a);
        assertArrayEquals(new float[] {1f, 1f, 1f}, img.voxelSize());
        assertEquals(8, img.readAll().bytes()[7]);
    }

    /** OME metadata as ome-zarr-py writes it, with t and c axes of size 1 and nanometre units. */
    @Test
    void extraAxesOfSizeOneAndUnitsAreHandled() throws IOException {
        Path root = dir.resolve("tc.zarr");
        ZarrWriter.group(root, Map.of("multiscales", List.of(Map.of("version", "0.4",
                "axes", List.of(Map.of("name", "t", "type", "time"), Map.of("name", "c", "type", "channel"),
                        Map.of("name", "z", "type", "space", "unit", "nanometer"),
                        Map.of("name", "y", "type", "space", "unit", "nanometer"),
                        Map.of("name", "x", "type", "space", "unit", "nanometer")),
                "datasets", List.of(Map.of("path", "0", "coordinateTransformations",
                        List.of(Map.of("type", "scale", "scale", List.of(1, 1, 0.5, 0.6, 0.7)))))))));
        ZarrWriter.create(root.resolve("0"), new int[] {1, 1, 2, 1, 3}, new int[] {1, 1, 2, 1, 3},
                ElementType.INT16, Map.of()).write(new int[5],
                NdData.int16(new short[] {1, 2, 3, 4, 5, 6}, 1, 1, 2, 1, 3));
        OmeZarr.Image img = OmeZarr.open(root);
        assertArrayEquals(new int[] {2, 1, 3}, img.shape());
        assertArrayEquals(new float[] {7f, 6f, 5f}, img.voxelSize(), 1e-6f);
        assertArrayEquals(new short[] {1, 2, 3, 4, 5, 6}, img.readAll().shorts());
        assertArrayEquals(new short[] {5, 6}, img.read(new int[] {1, 0, 1}, new int[] {1, 1, 2}).shorts());
    }

    @Test
    void badImagesAreOneSentenceNamingTheFile() throws IOException {
        // two channels: not a tomogram
        Path root = dir.resolve("c2.zarr");
        ZarrWriter.group(root, Map.of("multiscales", List.of(Map.of("version", "0.4",
                "axes", List.of(Map.of("name", "c", "type", "channel"), Map.of("name", "z"), Map.of("name", "y"),
                        Map.of("name", "x")),
                "datasets", List.of(Map.of("path", "0"))))));
        ZarrWriter.create(root.resolve("0"), new int[] {2, 1, 1, 1}, new int[] {1, 1, 1, 1}, ElementType.UINT8,
                Map.of());
        UserErrors.assertNames(assertThrows(CryosiamUserException.class, () -> OmeZarr.open(root)),
                root.resolve(".zattrs"), "'c' has size 2");
        // a bare array of rank 2
        Path flat = dir.resolve("flat.zarr");
        ZarrWriter.create(flat, new int[] {4, 4}, new int[] {4, 4}, ElementType.UINT8, Map.of());
        UserErrors.assertNames(assertThrows(CryosiamUserException.class, () -> OmeZarr.open(flat)), flat,
                "rank 2");
        // a group without multiscales, and a missing level array
        Path plain = dir.resolve("plain.zarr");
        ZarrWriter.group(plain, Map.of("other", 1));
        UserErrors.assertNames(assertThrows(CryosiamUserException.class, () -> OmeZarr.open(plain)),
                plain.resolve(".zattrs"), "multiscales");
        Path noLevel = dir.resolve("nolevel.zarr");
        ZarrWriter.group(noLevel, Map.of("multiscales", List.of(Map.of("datasets", List.of(Map.of("path", "0"))))));
        UserErrors.assertNames(assertThrows(CryosiamUserException.class, () -> OmeZarr.open(noLevel)),
                noLevel.resolve("0"), "not a Zarr array");
        UserErrors.assertNames(assertThrows(CryosiamUserException.class,
                () -> OmeZarr.open(dir.resolve("absent.zarr"))), dir.resolve("absent.zarr"), "no such");
    }
}
