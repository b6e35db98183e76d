package org.cryosiam.commands;

import static org.cryosiam.commands.ProcessingSupport.mask;
import static org.cryosiam.commands.ProcessingSupport.python;
import static org.cryosiam.commands.ProcessingSupport.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.cryosiam.io.MrcWriter;
import org.cryosiam.io.NdData;
import org.cryosiam.volume.Volume;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** processing_create_multiclass_from_binary_masks on 1×2×4 masks checked by eye. */
class ProcessingMulticlassFromBinaryMasksTest {
    @TempDir
    Path dir;

    /**
     * Sub-folders listed out of order on purpose: sorted they are membrane (1), microtubule (2), ribosome (3).
     * Voxel i of each mask, x fastest over 2 rows of 4:
     * <pre>
     * membrane     1 1 1 0 | 0 0 0 0   (float32, with a negative voxel that is not > 0)
     * microtubule  0 1 1 0 | 1 0 0 0   (int8; 0/255 stored in mode 0 reads as -1 and still counts)
     * ribosome     0 0 1 0 | 0 0 0 1   (uint16)
     * merged       1 2 3 0 | 2 0 0 3
     * </pre>
     */
    private Path root() {
        Path root = dir.resolve("binary");
        float[] membrane = {1, 1, 1, 0, 0, 0, -1, 0};
        byte[] microtubule = {0, 1, (byte) 255, 0, 1, 0, 0, 0};
        short[] ribosome = {0, 0, 1, 0, 0, 0, 0, 1};
        for (String tomo : List.of("TS_01.mrc", "TS_02.mrc")) {
            MrcWriter.write(root.resolve("membrane").resolve(tomo), new Volume(membrane, 1, 2, 4, new float[] {4, 4, 4}));
            MrcWriter.write(root.resolve("ribosome").resolve(tomo), NdData.uint16(ribosome, 1, 2, 4), new float[] {9, 9, 9});
            MrcWriter.write(root.resolve("microtubule").resolve(tomo), NdData.int8(microtubule, 1, 2, 4),
                    new float[] {9, 9, 9});
        }
        return root;
    }

    @Test
    void laterLabelsWinInSortedFolderOrder() throws IOException {
        Path root = root();
        Files.writeString(root.resolve("README.txt"), "not a label folder");
        Path out = dir.resolve("out");
        run("processing_create_multiclass_from_binary_masks", "--root_binary_masks_folder", root.toString(),
                "--output_dir", out.toString()).assertOk();
        for (String tomo : List.of("TS_01.mrc", "TS_02.mrc")) {
            assertArrayEquals(new int[] {1, 2, 3, 0, 2, 0, 0, 3}, mask(out.resolve(tomo)));
        }
        assertEquals("(1, 2, 4) uint16 4.0 [1, 2, 3, 0, 2, 0, 0, 3]", python("import sys, mrcfile\n"
                + "with mrcfile.open(sys.argv[1], permissive=False) as m:\n"
                + "    print(m.data.shape, m.data.dtype, float(m.voxel_size.x), m.data.ravel().tolist())\n",
                out.resolve("TS_01.mrc")));

        Path one = dir.resolve("one");
        run("processing_create_multiclass_from_binary_masks", "--root-binary-masks-folder", root.toString(),
                "--output-dir", one.toString(), "--tomo-name", "TS_02.mrc").assertOk();
        try (var s = Files.list(one)) {
            assertEquals(List.of("TS_02.mrc"), s.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void badInputsAreOneSentenceAndExitCode2() throws IOException {
        Path root = root();
        Path out = dir.resolve("out");
        Files.delete(root.resolve("ribosome/TS_02.mrc"));
        run("processing_create_multiclass_from_binary_masks", "--root_binary_masks_folder", root.toString(),
                "--output_dir", out.toString()).assertUserError("ribosome");
        assertFalse(Files.exists(out), "a missing mask stops the run before anything is written");
        MrcWriter.write(root.resolve("ribosome/TS_02.mrc"), Volume.zeros(2, 2, 4, new float[] {1, 1, 1}));
        run("processing_create_multiclass_from_binary_masks", "--root_binary_masks_folder", root.toString(),
                "--output_dir", out.toString(), "--tomo_name", "TS_02.mrc").assertUserError("differs");
        run("processing_create_multiclass_from_binary_masks", "--root_binary_masks_folder",
                dir.resolve("nowhere").toString(), "--output_dir", out.toString()).assertUserError("nowhere");
        Path empty = Files.createDirectories(dir.resolve("empty"));
        run("processing_create_multiclass_from_binary_masks", "--root_binary_masks_folder", empty.toString(),
                "--output_dir", out.toString()).assertUserError("no sub-folders");
        assertFalse(Files.exists(out.resolve("TS_02.mrc")));
    }
}
