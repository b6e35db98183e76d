package org.cryosiam.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.cryosiam.FixtureStep;
import org.cryosiam.Fixtures;
import org.cryosiam.io.Geometry;
import org.cryosiam.io.MrcWriter;
import org.cryosiam.io.NdData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18 (files), issue 17 items 4-5, through the CLI: outputs keep the input's origin and voxel size and say
 * which command wrote them; float16 on request; processing commands check their output folder before any work.
 */
class OutputMetadataTest {
    @TempDir
    Path dir;

    @Test
    void denoiseKeepsTheOriginAndWritesFloat16OnRequest() throws IOException {
        FixtureStep step = new FixtureStep(Fixtures.pipelineSmall(), dir);
        Path tomo = step.work.resolve("tomograms/TS_01.mrc");
        try (RandomAccessFile f = new RandomAccessFile(tomo.toFile(), "rw")) { // little-endian origin and start
            f.seek(16);
            f.write(le(-3, 5, 9));
            f.seek(196);
            f.write(le(Float.floatToIntBits(-40.5f), Float.floatToIntBits(12.25f), Float.floatToIntBits(800f)));
        }
        Path cfg = step.work.resolve("configs/denoise.yaml");
        Files.writeString(cfg, Files.readString(cfg) + "save_float16: true\n");
        assertEquals(0, step.run("denoise_predict", "configs/denoise.yaml", "--filename", "TS_01.mrc"));

        String py = ProcessingSupport.python("import sys, mrcfile, h5py, numpy as np\n"
                + "with mrcfile.open(sys.argv[1]) as m:\n"
                + "    h = m.header\n"
                + "    print(int(h.mode), m.data.dtype, h.origin.x, h.origin.y, h.origin.z, h.nxstart, h.nystart, h.nzstart)\n"
                + "    print(h.label[0].decode().split()[:1] + h.label[0].decode().split()[2:3])\n"
                + "with h5py.File(sys.argv[2], 'r') as f:\n"
                + "    print(f['preds'].dtype, [round(float(v), 2) for v in f.attrs['voxel_size']],\n"
                + "          type(f.attrs['cryosiam_version']).__name__, f.attrs['cryosiam_command'])\n",
                step.actual("denoised/TS_01.mrc"), step.actual("denoised/TS_01_preds.h5"));
        String[] lines = py.split("\n");
        assertEquals("12 float16 -40.5 12.25 800.0 -3 5 9", lines[0]);
        assertEquals("['cryosiam-jvm', 'denoise_predict']", lines[1]);
        assertEquals("float16 [13.48, 13.48, 13.48] str denoise_predict", lines[2]);

        // the values are the reference's to float16 precision (scaled to [0, 1]: half an ulp is at most 2^-12)
        float[] want = org.cryosiam.io.MrcReader.read(step.expected("denoised/TS_01.mrc")).data();
        float[] got = org.cryosiam.io.MrcReader.read(step.actual("denoised/TS_01.mrc")).data();
        double worst = 0;
        for (int i = 0; i < want.length; i++) {
            worst = Math.max(worst, Math.abs(want[i] - got[i]));
        }
        assertTrue(worst <= 2.5e-4 + 1e-4, "max difference " + worst);
        assertEquals(Files.size(step.expected("denoised/TS_01.mrc")) - 1024,
                2 * (Files.size(step.actual("denoised/TS_01.mrc")) - 1024), "half the data bytes");
    }

    @Test
    void processingOutputsKeepTheOriginAndNameTheCommand() {
        Path in = dir.resolve("in.mrc");
        float[] v = new float[4 * 5 * 6];
        for (int i = 0; i < v.length; i++) {
            v[i] = i % 7;
        }
        MrcWriter.write(in, NdData.float32(v, 4, 5, 6), new Geometry(new float[] {7.5f, 7.5f, 7.5f},
                new float[] {10f, -20f, 30.5f}, new int[] {1, 2, 3}), null);
        Path out = dir.resolve("out.mrc");
        ProcessingSupport.run("processing_invert_scale", "--input_path", in.toString(), "--output_path",
                out.toString(), "--invert").assertOk();
        Path star = dir.resolve("p.star");
        writeStar(star);
        Path masks = dir.resolve("masks");
        ProcessingSupport.run("processing_create_sphere_mask", "--coordinates_file", star.toString(),
                "--sphere_radius", "1", "--output_dir", masks.toString(), "--tomogram_path", in.toString()).assertOk();
        String script = "import sys, mrcfile\n"
                + "for f in sys.argv[1:]:\n"
                + "    assert mrcfile.validate(f, print_file=sys.stderr), f\n"
                + "    with mrcfile.open(f) as m:\n"
                + "        h = m.header\n"
                + "        print(h.origin.x, h.origin.y, h.origin.z, h.nxstart, h.nystart, h.nzstart, "
                + "round(float(m.voxel_size.x), 2), h.label[0].decode().split()[2])\n";
        String[] lines = ProcessingSupport.python(script, out, masks.resolve("in.mrc")).split("\n");
        assertEquals("10.0 -20.0 30.5 1 2 3 7.5 processing_invert_scale", lines[0]);
        assertEquals("10.0 -20.0 30.5 1 2 3 7.5 processing_create_sphere_mask", lines[1]);
    }

    @Test
    void processingCommandsRefuseAnUnwritableOutputFolderBeforeAnyWork() throws IOException {
        String o = ProcessingSupport.unwritableFolder(dir).toString();
        String absent = dir.resolve("absent").toString(); // no input exists: the folder is checked first
        List<String[]> runs = List.of(
                new String[] {"processing_invert_scale", "--input_path", absent, "--output_path", o},
                new String[] {"processing_create_sphere_mask", "--coordinates_file", absent, "--sphere_radius", "2",
                        "--output_dir", o, "--tomogram_path", absent},
                new String[] {"processing_create_sphere_mask_multiclass", "--coordinates_file", absent,
                        "--sphere_radius", "2", "--output_dir", o, "--tomogram_path", absent},
                new String[] {"processing_create_binary_map_after_sta", "--star_file", absent, "--map_file", absent,
                        "--output_dir", o, "--map_threshold", "0.5", "--example_tomogram", absent},
                new String[] {"processing_create_multiclass_from_binary_masks", "--root_binary_masks_folder", absent,
                        "--output_dir", o});
        for (String[] args : runs) {
            String flag = args[0].equals("processing_invert_scale") ? "--output_path" : "--output_dir";
            ProcessingSupport.run(args).assertUserError(o + " (" + flag + "): permission denied, cannot write to ");
        }
    }

    private static void writeStar(Path star) {
        try {
            Files.writeString(star, "data_\n\nloop_\n_rlnCoordinateX #1\n_rlnCoordinateY #2\n_rlnCoordinateZ #3\n"
                    + "2 2 2\n");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static byte[] le(int... words) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * words.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int w : words) {
            b.putInt(w);
        }
        return b.array();
    }
}
