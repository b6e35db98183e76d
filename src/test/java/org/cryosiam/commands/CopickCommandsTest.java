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
import org.cryosiam.io.Csv;
import org.cryosiam.io.Hdf5;
import org.cryosiam.io.Json;
import org.cryosiam.io.Table;
import org.cryosiam.io.zarr.OmeZarr;
import org.cryosiam.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A copick project as the workflow's input (tomograms per run) and output (picks, segmentations). */
class CopickCommandsTest {
    @TempDir
    Path dir;

    /** A copick config with an overlay root and two objects (labels 2 and 3; none for 1). */
    private static Path config(Path dir, Path overlay) throws IOException {
        Path config = dir.resolve("copick_config.json");
        Files.writeString(config, "{\"config_type\": \"filesystem\", \"pickable_objects\": ["
                + "{\"name\": \"ribosome\", \"is_particle\": true, \"label\": 2},"
                + "{\"name\": \"proteasome\", \"is_particle\": true, \"label\": 3}], "
                + "\"overlay_root\": \"local://" + overlay.toAbsolutePath() + "\"}");
        return config;
    }

    private static void addKeys(Path yaml, Path copickConfig, String extra) throws IOException {
        Files.writeString(yaml, Files.readString(yaml) + "copick_config: " + copickConfig + "\n"
                + "copick_voxel_spacing: 13.48\n" + extra);
    }

    @Test
    void semanticPredictReadsRunTomogramsAndWritesMultilabelSegmentations() throws IOException {
        String stepName = "semantic_predict configs/lamella.yaml";
        FixtureStep step = new FixtureStep(Fixtures.pipelineSmall(), dir).before(stepName);
        Path overlay = dir.resolve("copick");
        for (String run : List.of("TS_01", "TS_02")) {
            Path tomo = overlay.resolve("ExperimentRuns/" + run + "/VoxelSpacing13.480/denoised.zarr");
            assertEquals(0, CliRun.run("convert", step.actual("denoised/" + run + ".mrc").toString(), tomo.toString())
                    .code());
        }
        Path yaml = step.work.resolve("configs/lamella.yaml");
        addKeys(yaml, config(dir, overlay), "copick_tomo_type: denoised\ncopick_session_id: '1'\n");
        // the data_folder of the YAML is not used: the runs' tomograms are
        Files.writeString(yaml, Files.readString(yaml).replace("out/denoised\n", "out/nowhere\n"));
        assertEquals(0, step.run("semantic_predict", "configs/lamella.yaml", "--filename", "TS_02"));
        assertTrue(Files.notExists(step.actual("lamella/TS_01_preds.h5")), "--filename takes a run name");
        assertEquals(0, step.run("semantic_predict", "configs/lamella.yaml"));
        for (String f : step.writes(stepName)) {
            step.assertHdf5Close(f);
        }
        for (String run : List.of("TS_01", "TS_02")) {
            Path seg = overlay.resolve("ExperimentRuns/" + run
                    + "/Segmentations/13.480_cryosiam_1_cryosiam-multilabel.zarr");
            OmeZarr.Image img = OmeZarr.open(seg);
            assertArrayEquals(Hdf5.read(step.actual("lamella/" + run + "_preds.h5"), "labels").bytes(),
                    img.readAll().bytes(), run);
            assertEquals(13.48f, img.voxelSize()[0], 1e-4f);
            org.cryosiam.io.zarr.NgffSchema.assertValid(seg);
        }
    }

    @Test
    void semanticToCentersWritesPicksPerRunAndObject() throws IOException {
        String stepName = "semantic_to_centers configs/particles.yaml";
        FixtureStep step = new FixtureStep(Fixtures.pipelineSmall(), dir).before(stepName);
        Path overlay = dir.resolve("copick");
        Path yaml = step.work.resolve("configs/particles.yaml");
        addKeys(yaml, config(dir, overlay), "copick_user_id: cryosiam\n");
        CliRun r = CliRun.run("semantic_to_centers", "--config_file", yaml.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("no pickable object has label 1"), r.err());
        for (int k : new int[] {2, 3}) {
            String object = k == 2 ? "ribosome" : "proteasome";
            Table csv = Csv.read(step.actual("particles/labels_" + k + ".csv"));
            String[] tomo = csv.strings("tomo");
            double[] cz = csv.doubles("centroid-0");
            double[] cy = csv.doubles("centroid-1");
            double[] cx = csv.doubles("centroid-2");
            int total = 0;
            for (String run : List.of("TS_01", "TS_02")) {
                Path file = overlay.resolve("ExperimentRuns/" + run + "/Picks/cryosiam_0_" + object + ".json");
                Map<?, ?> picks = (Map<?, ?>) Json.parse(Files.readString(file));
                assertEquals(object, picks.get("pickable_object_name"));
                assertEquals(run, picks.get("run_name"));
                assertEquals("0", picks.get("session_id"));
                List<?> points = (List<?>) picks.get("points");
                int j = 0;
                for (int i = 0; i < csv.rowCount(); i++) {
                    if (!tomo[i].equals(run)) {
                        continue;
                    }
                    Map<?, ?> loc = (Map<?, ?>) ((Map<?, ?>) points.get(j++)).get("location");
                    assertEquals(cx[i] * 13.48, ((Number) loc.get("x")).doubleValue(), 1e-9);
                    assertEquals(cy[i] * 13.48, ((Number) loc.get("y")).doubleValue(), 1e-9);
                    assertEquals(cz[i] * 13.48, ((Number) loc.get("z")).doubleValue(), 1e-9);
                }
                assertEquals(j, points.size(), run + " " + object);
                total += j;
            }
            assertEquals(csv.rowCount(), total, "every particle of class " + k + " is a pick");
            assertTrue(k != 2 || total > 10, "the fixture has particles of class 2: " + total);
        }
    }

    @Test
    void badCopickKeysStopTheRunBeforeWork() throws IOException {
        FixtureStep step = new FixtureStep(Fixtures.pipelineSmall(), dir).before("semantic_predict configs/lamella.yaml");
        Path yaml = step.work.resolve("configs/lamella.yaml");
        String base = Files.readString(yaml);
        Path overlay = Files.createDirectories(dir.resolve("copick"));
        Path cfg = config(dir, overlay);
        Files.writeString(yaml, base + "copick_config: " + cfg + "\n");
        org.cryosiam.UserErrors.assertOneSentence(CliRun.run("semantic_predict", "--config_file", yaml.toString()),
                yaml, "copick_voxel_spacing");
        Files.writeString(yaml, base + "copick_config: " + cfg + "\ncopick_voxel_spacing: 13.48\n");
        org.cryosiam.UserErrors.assertOneSentence(CliRun.run("semantic_predict", "--config_file", yaml.toString()),
                cfg, "VoxelSpacing13.480/wbp.zarr");
        Files.writeString(yaml, base + "copick_config: " + cfg + "\ncopick_voxel_spacing: 13.48\n"
                + "copick_user_id: my_tool\n");
        org.cryosiam.UserErrors.assertOneSentence(CliRun.run("semantic_predict", "--config_file", yaml.toString()),
                "my_tool", "underscore");
    }
}
