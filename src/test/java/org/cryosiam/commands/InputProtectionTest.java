package org.cryosiam.commands;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.cryosiam.FixtureStep;
import org.cryosiam.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No command may write an output over one of its input files, whatever the spelling; such a run is refused before
 * any work with one sentence and exit code 2, and the inputs stay byte for byte as they were.
 */
class InputProtectionTest {
    @TempDir
    Path dir;

    private FixtureStep denoiseCase() throws IOException {
        return new FixtureStep(Fixtures.pipelineSmall(), dir);
    }

    private void setPredictionFolder(FixtureStep step, String folder) throws IOException {
        Path cfg = step.work.resolve("configs/denoise.yaml");
        String text = Files.readString(cfg);
        String old = text.lines().filter(l -> l.startsWith("prediction_folder:")).findFirst().orElseThrow();
        Files.writeString(cfg, text.replace(old, "prediction_folder: " + folder));
    }

    private ProcessingSupport.Result denoise(FixtureStep step, String... extra) {
        return ProcessingSupport.run(step, "denoise_predict", "denoise.yaml", extra);
    }

    @Test
    void anAbsoluteFilenameInsideTheDataFolderIsTakenAsItsName() throws IOException {
        FixtureStep step = denoiseCase();
        Path raw = step.work.resolve("tomograms/TS_01.mrc");
        byte[] before = Files.readAllBytes(raw);
        denoise(step, "--filename", raw.toAbsolutePath().toString()).assertOk();
        assertArrayEquals(before, Files.readAllBytes(raw), "the raw tomogram is untouched");
        assertTrue(Files.exists(step.actual("denoised/TS_01.mrc")), "the output went to prediction_folder");
        // the same with ".." and a relative spelling of the data folder
        Path odd = step.work.resolve("configs/../tomograms/TS_02.mrc");
        denoise(step, "--filename", odd.toString()).assertOk();
        assertArrayEquals(Files.readAllBytes(step.caseDir.resolve("tomograms/TS_02.mrc")),
                Files.readAllBytes(step.work.resolve("tomograms/TS_02.mrc")));
    }

    @Test
    void aFilenameOutsideTheDataFolderIsRefused() throws IOException {
        FixtureStep step = denoiseCase();
        Path elsewhere = dir.resolve("elsewhere/TS_01.mrc");
        Files.createDirectories(elsewhere.getParent());
        Files.copy(step.work.resolve("tomograms/TS_01.mrc"), elsewhere);
        denoise(step, "--filename", elsewhere.toString()).assertUserError("not a file of the data folder");
        assertTrue(Files.notExists(step.actual("denoised")), "nothing was done");
    }

    @Test
    void predictionFolderEqualToDataFolderIsRefusedBeforeAnyWork() throws IOException {
        FixtureStep step = denoiseCase();
        byte[] before = Files.readAllBytes(step.work.resolve("tomograms/TS_01.mrc"));
        for (String spelling : new String[] {
                step.work.resolve("tomograms").toString(),
                step.work.resolve("out/../tomograms/").toString()}) {
            setPredictionFolder(step, spelling);
            denoise(step).assertUserError("refusing to write an output over the input file");
        }
        // through a symbolic link to the data folder
        Path link = Files.createSymbolicLink(dir.resolve("link"), step.work.resolve("tomograms"));
        setPredictionFolder(step, link.toString());
        denoise(step).assertUserError("refusing to write an output over the input file");
        assertArrayEquals(before, Files.readAllBytes(step.work.resolve("tomograms/TS_01.mrc")));
        try (var s = Files.list(step.work.resolve("tomograms"))) {
            assertEquals(2, s.count(), "no output, temporary file or run record in the data folder");
        }
    }

    @Test
    void invertScaleInPlaceIsRefused() throws IOException {
        Path in = ProcessingSupport.tomogram(dir.resolve("t/TS_01.mrc"), 4, 5, 6, 10f);
        byte[] before = Files.readAllBytes(in);
        ProcessingSupport.run("processing_invert_scale", "--input_path", dir.resolve("t").toString(),
                "--output_path", dir.resolve("t").toString(), "--invert")
                .assertUserError("refusing to write an output over the input file");
        ProcessingSupport.run("processing_invert_scale", "--input_path", in.toString(),
                "--output_path", dir.resolve("t/../t/TS_01.mrc").toString(), "--invert")
                .assertUserError("refusing to write an output over the input file");
        // a hard link is the same file under another name
        Path hard = Files.createLink(dir.resolve("hard.mrc"), in);
        ProcessingSupport.run("processing_invert_scale", "--input_path", in.toString(),
                "--output_path", hard.toString(), "--invert")
                .assertUserError("refusing to write an output over the input file");
        assertArrayEquals(before, Files.readAllBytes(in));
    }

    @Test
    void sphereMasksOverTheTemplateTomogramAreRefused() throws IOException {
        Path tomo = ProcessingSupport.tomogram(dir.resolve("t/TS_01.mrc"), 8, 8, 8, 10f);
        byte[] before = Files.readAllBytes(tomo);
        Path csv = dir.resolve("c.csv");
        Files.writeString(csv, "centroid-0,centroid-1,centroid-2\n4,4,4\n");
        ProcessingSupport.run("processing_create_sphere_mask", "--coordinates_file", csv.toString(),
                "--sphere_radius", "2", "--output_dir", dir.resolve("t").toString(),
                "--tomogram_path", tomo.toString())
                .assertUserError("refusing to write an output over the input file");
        assertArrayEquals(before, Files.readAllBytes(tomo));
    }
}
