package org.cryosiam.io.copick;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.UserErrors;
import org.cryosiam.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The copick data model (copick/copick docs/datamodel.md, copick.models) on a hand-made project. */
class CopickProjectTest {
    @TempDir
    Path dir;

    private Path project() throws IOException {
        Path overlay = Files.createDirectories(dir.resolve("overlay"));
        Path statics = Files.createDirectories(dir.resolve("static"));
        Files.createDirectories(statics.resolve("ExperimentRuns/TS_01/VoxelSpacing10.000/wbp.zarr"));
        Files.createDirectories(statics.resolve("ExperimentRuns/TS_02/VoxelSpacing10.000/wbp.zarr"));
        Files.createDirectories(overlay.resolve("ExperimentRuns/TS_02/VoxelSpacing10.000/wbp.zarr"));
        Files.createDirectories(overlay.resolve("ExperimentRuns/TS_03/VoxelSpacing7.500/denoised.zarr"));
        Files.createDirectories(overlay.resolve("ExperimentRuns/.hidden"));
        Path config = dir.resolve("copick_config.json");
        Files.writeString(config, "{\"config_type\": \"filesystem\", \"name\": \"test\", \"version\": \"0.5.0\", "
                + "\"pickable_objects\": [{\"name\": \"ribosome\", \"is_particle\": true, \"label\": 2, "
                + "\"radius\": 120}, {\"name\": \"membrane\", \"is_particle\": false, \"label\": 1}], "
                + "\"user_id\": \"alice\", \"overlay_root\": \"local://" + overlay + "\", "
                + "\"static_root\": \"" + statics + "/\", \"overlay_fs_args\": {\"auto_mkdir\": true}}");
        return config;
    }

    @Test
    void runsTomogramsAndOutputPathsFollowTheLayout() throws IOException {
        CopickProject p = CopickProject.load(project());
        assertEquals(List.of("TS_01", "TS_02", "TS_03"), p.runs());
        assertEquals("alice", p.userId());
        assertNull(p.sessionId());
        assertEquals(dir.resolve("static/ExperimentRuns/TS_01/VoxelSpacing10.000/wbp.zarr"),
                p.tomogram("TS_01", 10.0, "wbp"));
        assertEquals(dir.resolve("overlay/ExperimentRuns/TS_02/VoxelSpacing10.000/wbp.zarr"),
                p.tomogram("TS_02", 10, "wbp"), "the overlay first");
        assertEquals(dir.resolve("overlay/ExperimentRuns/TS_03/VoxelSpacing7.500/denoised.zarr"),
                p.tomogram("TS_03", 7.5, "denoised"));
        assertNull(p.tomogram("TS_03", 10, "wbp"));
        assertEquals("ribosome", p.objectWithLabel(2).name());
        assertNull(p.objectWithLabel(3));
        assertEquals(dir.resolve("overlay/ExperimentRuns/TS_01/Picks/cryosiam_0_ribosome.json"),
                p.picksFile("TS_01", "cryosiam", "0", "ribosome"));
        assertEquals(dir.resolve("overlay/ExperimentRuns/TS_01/Segmentations/13.480_cryosiam_0_cryosiam-multilabel.zarr"),
                p.segmentation("TS_01", 13.48, "cryosiam", "0", "cryosiam", true));
        assertEquals(dir.resolve("overlay/ExperimentRuns/TS_01/Segmentations/10.000_a_1_membrane.zarr"),
                p.segmentation("TS_01", 10, "a", "1", "membrane", false));
    }

    @Test
    void voxelSpacingsAreNamedAsPythonFormatsThem() {
        // f"{v:.3f}" rounds the exact binary value: 2.0005 is slightly above, 1.0005 slightly below the half
        assertEquals("2.001", CopickProject.spacing(2.0005));
        assertEquals("1.000", CopickProject.spacing(1.0005));
        assertEquals("13.480", CopickProject.spacing(13.48f));
        assertEquals("10.000", CopickProject.spacing(10));
    }

    /** Every field of copick.models.CopickPicksFile and CopickPoint, by name, type and value. */
    @Test
    void picksJsonMatchesCopicksModelFieldByField() throws IOException {
        Path file = dir.resolve("ExperimentRuns/TS_01/Picks/cryosiam_0_ribosome.json");
        CopickProject.writePicks(file, CopickProject.picks("ribosome", "cryosiam", "0", "TS_01", 13.48,
                List.of(new double[] {134.8, 269.6, 40.44}, new double[] {0, 0, 0})));
        Map<?, ?> m = (Map<?, ?>) Json.parse(Files.readString(file));
        assertEquals(Set.of("pickable_object_name", "user_id", "session_id", "run_name", "voxel_spacing", "unit",
                "points", "trust_orientation"), m.keySet());
        assertEquals("ribosome", m.get("pickable_object_name"));
        assertEquals("cryosiam", m.get("user_id"));
        assertEquals("0", m.get("session_id"), "session_id is a string");
        assertEquals("TS_01", m.get("run_name"));
        assertEquals(13.48, ((Number) m.get("voxel_spacing")).doubleValue());
        assertEquals("angstrom", m.get("unit"));
        assertEquals(Boolean.FALSE, m.get("trust_orientation"));
        List<?> points = (List<?>) m.get("points");
        assertEquals(2, points.size());
        Map<?, ?> p = (Map<?, ?>) points.get(0);
        assertEquals(Set.of("location", "transformation_", "instance_id", "score"), p.keySet());
        Map<?, ?> loc = (Map<?, ?>) p.get("location");
        assertEquals(Set.of("x", "y", "z"), loc.keySet());
        assertEquals(134.8, ((Number) loc.get("x")).doubleValue());
        assertEquals(269.6, ((Number) loc.get("y")).doubleValue());
        assertEquals(40.44, ((Number) loc.get("z")).doubleValue());
        List<?> t = (List<?>) p.get("transformation_");
        assertEquals(4, t.size());
        for (int r = 0; r < 4; r++) {
            List<?> row = (List<?>) t.get(r);
            for (int c = 0; c < 4; c++) {
                assertEquals(r == c ? 1.0 : 0.0, ((Number) row.get(c)).doubleValue(), "identity, last row 0 0 0 1");
            }
        }
        assertEquals(0, ((Number) p.get("instance_id")).intValue());
        assertTrue(p.get("instance_id") instanceof Integer, "instance_id is an int");
        assertEquals(1.0, ((Number) p.get("score")).doubleValue());
    }

    @Test
    void badProjectsAndNamesAreOneSentence() throws IOException {
        Path config = dir.resolve("c.json");
        Files.writeString(config, "{\"pickable_objects\": [], \"overlay_root\": \"s3://bucket/project\"}");
        UserErrors.assertNames(assertThrows(CryosiamUserException.class, () -> CopickProject.load(config)), config,
                "local");
        Files.writeString(config, "{\"pickable_objects\": []}");
        UserErrors.assertNames(assertThrows(CryosiamUserException.class, () -> CopickProject.load(config)), config,
                "overlay_root");
        Files.writeString(config, "{\"config_type\": \"cryoet_data_portal\", \"overlay_root\": \"/x\"}");
        UserErrors.assertNames(assertThrows(CryosiamUserException.class, () -> CopickProject.load(config)), config,
                "filesystem");
        UserErrors.assertNames(assertThrows(CryosiamUserException.class,
                () -> CopickProject.load(dir.resolve("absent.json"))), dir.resolve("absent.json"), "not found");
        UserErrors.assertNames(assertThrows(CryosiamUserException.class,
                () -> CopickProject.checkName("copick_user_id", "my_tool")), "my_tool", "underscore");
    }
}
