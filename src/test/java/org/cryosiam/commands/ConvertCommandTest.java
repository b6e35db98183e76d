package org.cryosiam.commands;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.cryosiam.Fixtures;
import org.cryosiam.FixtureStep;
import org.cryosiam.UserErrors;
import org.cryosiam.io.ElementType;
import org.cryosiam.io.Hdf5;
import org.cryosiam.io.MrcReader;
import org.cryosiam.io.MrcWriter;
import org.cryosiam.io.NdData;
import org.cryosiam.io.zarr.OmeZarr;
import org.cryosiam.volume.Volume;
import org.cryosiam.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cryosiam convert} between MRC, OME-Zarr and HDF5 datasets; OME-Zarr tomograms as command input. */
class ConvertCommandTest {
    @TempDir
    Path dir;

    private static Volume ramp(int nz, int ny, int nx, float voxel) {
        float[] v = new float[nz * ny * nx];
        for (int i = 0; i < v.length; i++) {
            v[i] = (i % 97) * 0.25f - 3;
        }
        return new Volume(v, nz, ny, nx, new float[] {voxel, voxel, voxel});
    }

    @Test
    void mrcToZarrToMrcKeepsValuesAndVoxelSize() {
        Path mrc = dir.resolve("TS_01.mrc");
        MrcWriter.write(mrc, ramp(9, 70, 66, 13.48f));
        Path zarr = dir.resolve("TS_01.zarr");
        assertEquals(0, CliRun.run("convert", mrc.toString(), zarr.toString()).code());
        OmeZarr.Image img = OmeZarr.open(zarr);
        assertArrayEquals(new float[] {13.48f, 13.48f, 13.48f}, img.voxelSize());
        assertEquals(ElementType.FLOAT32, img.type());
        assertEquals(1, countLevels(zarr), "smallest side 9 < 64: one level");
        Path back = dir.resolve("back.rec");
        assertEquals(0, CliRun.run("convert", zarr + "/", back.toString()).code());
        Volume v = MrcReader.read(back);
        assertArrayEquals(ramp(9, 70, 66, 1).data(), v.data());
        assertArrayEquals(new float[] {13.48f, 13.48f, 13.48f}, v.voxelSize());
        // a pyramid on request, labels by mode
        assertEquals(0, CliRun.run("convert", mrc.toString(), dir.resolve("p.zarr").toString(), "--levels", "3")
                .code());
        assertEquals(3, countLevels(dir.resolve("p.zarr")));
        org.cryosiam.io.zarr.NgffSchema.assertValid(zarr, dir.resolve("p.zarr"));
        assertArrayEquals(new int[] {3, 18, 17}, OmeZarr.open(dir.resolve("p.zarr"), 2).shape());
        CliRun info = CliRun.run("info", dir.resolve("p.zarr").toString());
        assertEquals(0, info.code(), info.err());
        assertTrue(info.out().contains("OME-Zarr 0.4 (Zarr v2), 3 level(s)"), info.out());
        assertTrue(info.out().contains("level 2  shape (z, y, x) (3, 18, 17)  float32  chunks (3, 18, 17)  voxel "
                + "size (x, y, z): 53.92, 53.92, 53.92 Å"), info.out());
    }

    private static int countLevels(Path zarr) {
        int n = 0;
        while (Files.isDirectory(zarr.resolve(String.valueOf(n)))) {
            n++;
        }
        return n;
    }

    @Test
    void hdf5LabelsToZarrAndIntoAnotherFile() {
        Path h5 = dir.resolve("TS_01_preds.h5");
        byte[] labels = new byte[4 * 6 * 8];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = (byte) (i % 5 == 0 ? 3 : 1);
        }
        Hdf5.write(h5, Map.of("labels", NdData.uint8(labels, 4, 6, 8),
                "probs", NdData.float32(new float[2 * 4 * 6 * 8], 2, 4, 6, 8)));
        Path zarr = dir.resolve("labels.zarr");
        assertEquals(0, CliRun.run("convert", h5 + ":labels", zarr.toString(), "--voxel-size", "7.5", "--levels", "2")
                .code());
        OmeZarr.Image img = OmeZarr.open(zarr);
        assertEquals(ElementType.UINT8, img.type());
        assertArrayEquals(labels, img.readAll().bytes());
        assertArrayEquals(new float[] {7.5f, 7.5f, 7.5f}, img.voxelSize());
        org.cryosiam.io.zarr.NgffSchema.assertValid(zarr);
        byte[] level1 = OmeZarr.open(zarr, 1).readAll().bytes();
        for (byte b : level1) {
            assertTrue(b == 1 || b == 3, "mode keeps labels: " + b);
        }
        // back into a new dataset of the same file: the other datasets stay
        assertEquals(0, CliRun.run("convert", zarr.toString(), h5 + ":labels_copy").code());
        assertEquals(List.of("labels", "labels_copy", "probs"), Hdf5.datasetNames(h5));
        assertArrayEquals(labels, Hdf5.read(h5, "labels_copy").bytes());
        // uint32 instance ids fit 16 bits: an MRC of mode 6
        Path ids = dir.resolve("ids.h5");
        Hdf5.write(ids, "instances", NdData.uint32(new int[] {0, 1, 2, 70000 - 5000, 4, 5, 6, 7}, 2, 2, 2));
        assertEquals(0, CliRun.run("convert", ids + ":instances", dir.resolve("ids.mrc").toString()).code());
        assertEquals(65000, MrcReader.readData(dir.resolve("ids.mrc")).data().toIntArray()[3]);
    }

    @Test
    void badRequestsAreOneSentence() throws IOException {
        Path mrc = dir.resolve("a.mrc");
        MrcWriter.write(mrc, ramp(2, 3, 4, 1f));
        UserErrors.assertOneSentence(CliRun.run("convert", mrc.toString(), mrc.toString()), mrc, "refusing");
        Path zarr = dir.resolve("a.zarr");
        assertEquals(0, CliRun.run("convert", mrc.toString(), zarr.toString()).code());
        UserErrors.assertOneSentence(CliRun.run("convert", zarr.toString(), dir.resolve(".").resolve("a.zarr")
                .toString()), "a.zarr", "refusing");
        UserErrors.assertOneSentence(CliRun.run("convert", mrc.toString(), dir.resolve("x.tif").toString()), "x.tif",
                "FILE.h5:NAME");
        UserErrors.assertOneSentence(CliRun.run("convert", mrc.toString(), dir.resolve("x.h5").toString()), "x.h5",
                "dataset");
        UserErrors.assertOneSentence(CliRun.run("convert", mrc.toString(), zarr.toString(), "--levels", "0"), "--levels",
                "1 to 12");
        UserErrors.assertOneSentence(CliRun.run("convert", dir.resolve("none.zarr").toString(), mrc.toString()),
                "none.zarr", "no such");
        // a Zarr array of the wrong rank, an unknown codec
        Path meta = zarr.resolve("0/.zarray");
        String good = Files.readString(meta);
        Files.writeString(meta, good.replace("\"blosc\"", "\"bz2\""));
        UserErrors.assertOneSentence(CliRun.run("convert", zarr.toString(), dir.resolve("b.mrc").toString()), meta,
                "bz2");
        Files.writeString(meta, good.replace("\"shape\": [\n    2,", "\"shape\": ["));
        UserErrors.assertOneSentence(CliRun.run("convert", zarr.toString(), dir.resolve("b.mrc").toString()), meta,
                "rank");
        assertTrue(Files.notExists(dir.resolve("b.mrc")));
        // 32-bit labels beyond 16 bits do not fit an MRC
        Path big = dir.resolve("big.h5");
        Hdf5.write(big, "instances", NdData.int32(new int[] {0, 100000}, 1, 1, 2));
        UserErrors.assertOneSentence(CliRun.run("convert", big + ":instances", dir.resolve("big.mrc").toString(),
                "--voxel-size", "2"),
                "big.mrc", "16-bit");
        UserErrors.assertOneSentence(CliRun.run("convert", big + ":instances", big + ":instances", "--voxel-size", "2"),
                "big.h5", "refusing");
    }

    /** The lamella step of the golden case, reading the denoised tomograms as OME-Zarr: the same labels. */
    @Test
    void aWorkflowCommandReadsOmeZarrTomograms() throws IOException {
        String stepName = "semantic_predict configs/lamella.yaml";
        FixtureStep step = new FixtureStep(Fixtures.pipelineSmall(), dir).before(stepName);
        Path zarrs = Files.createDirectories(step.work.resolve("out/denoised_zarr"));
        for (String t : List.of("TS_01", "TS_02")) {
            assertEquals(0, CliRun.run("convert", step.actual("denoised/" + t + ".mrc").toString(),
                    zarrs.resolve(t + ".zarr").toString()).code());
        }
        Path cfg = step.work.resolve("configs/lamella.yaml");
        String text = Files.readString(cfg);
        assertTrue(text.contains("out/denoised\n") && text.contains("file_extension: .mrc"), text);
        Files.writeString(cfg, text.replace("out/denoised\n", "out/denoised_zarr\n")
                .replace("file_extension: .mrc", "file_extension: .zarr"));
        assertEquals(0, step.run("semantic_predict", "configs/lamella.yaml"));
        for (String f : step.writes(stepName)) {
            step.assertHdf5Close(f);
        }
    }

    /** The denoising step on OME-Zarr tomograms writes OME-Zarr, with the reference's values. */
    @Test
    void denoisingAZarrTomogramWritesZarr() throws IOException {
        FixtureStep step = new FixtureStep(Fixtures.pipelineSmall(), dir).before("denoise_predict configs/denoise.yaml");
        Path tomograms = step.work.resolve("tomograms");
        assertEquals(0, CliRun.run("convert", tomograms.resolve("TS_01.mrc").toString(),
                tomograms.resolve("TS_01.zarr").toString()).code());
        Path cfg = step.work.resolve("configs/denoise.yaml");
        Files.writeString(cfg, Files.readString(cfg).replace("file_extension: .mrc", "file_extension: .zarr"));
        assertEquals(0, step.run("denoise_predict", "configs/denoise.yaml"));
        Path out = step.actual("denoised/TS_01.zarr");
        assertTrue(Files.isDirectory(out), "the output has the input's format");
        org.cryosiam.io.zarr.NgffSchema.assertValid(out);
        Volume got = OmeZarr.read(out);
        Volume want = MrcReader.read(step.expected("denoised/TS_01.mrc"));
        assertArrayEquals(want.voxelSize(), got.voxelSize(), 1e-4f);
        double[] w = new double[want.data().length];
        double[] g = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = want.data()[i];
            g[i] = got.data()[i];
        }
        FixtureStep.assertFloatsClose(w, g, "denoised TS_01 from OME-Zarr");
    }
}
