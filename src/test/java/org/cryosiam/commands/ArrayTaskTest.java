package org.cryosiam.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.FixtureStep;
import org.cryosiam.Fixtures;
import org.cryosiam.config.Config;
import org.cryosiam.workflow.StepRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 16 item 5: {@code --array-task} is a 0-based index into the sorted inputs, as Slurm numbers array tasks. */
class ArrayTaskTest {
    @TempDir
    Path dir;

    private static Config config(Path tomograms, List<String> testFiles) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("data_folder", tomograms.toString());
        m.put("file_extension", ".mrc");
        m.put("test_files", testFiles);
        return Config.of(m, "c.yaml");
    }

    @Test
    void taskIdsCountFromZero() {
        Config cfg = config(Fixtures.pipelineSmall().resolve("tomograms"), null);
        assertEquals("TS_01.mrc", StepRun.arrayTaskInput(cfg, "data_folder", "", "0"));
        assertEquals("TS_02.mrc", StepRun.arrayTaskInput(cfg, "data_folder", "", "1"));
        assertEquals("TS_02.mrc", StepRun.arrayTaskInput(cfg, "data_folder", "1", "0"), "INDEX wins");
        CryosiamUserException e = assertThrows(CryosiamUserException.class,
                () -> StepRun.arrayTaskInput(cfg, "data_folder", "", "2"));
        assertEquals("--array-task: SLURM_ARRAY_TASK_ID 2 is outside 0..1 (2 tomograms in "
                + Fixtures.pipelineSmall().resolve("tomograms") + ").", e.getMessage());
        e = assertThrows(CryosiamUserException.class, () -> StepRun.arrayTaskInput(cfg, "data_folder", "", null));
        assertTrue(e.getMessage().startsWith("--array-task: SLURM_ARRAY_TASK_ID is not set"), e.getMessage());
        e = assertThrows(CryosiamUserException.class, () -> StepRun.arrayTaskInput(cfg, "data_folder", "-1", null));
        assertEquals("--array-task: INDEX '-1' is not a task index (0, 1, 2, …).", e.getMessage());

        Config listed = config(Fixtures.pipelineSmall().resolve("tomograms"), List.of("TS_02.mrc"));
        assertEquals("TS_02.mrc", StepRun.arrayTaskInput(listed, "data_folder", "0", null));
        e = assertThrows(CryosiamUserException.class,
                () -> StepRun.arrayTaskInput(listed, "data_folder", "1", null));
        assertEquals("--array-task: INDEX 1 is outside 0..0 (1 tomogram in test_files of c.yaml).", e.getMessage());
    }

    @Test
    void oneTaskProcessesItsTomogramThroughTheCli() throws IOException {
        FixtureStep step = new FixtureStep(Fixtures.pipelineSmall(), dir);
        String config = step.work.resolve("configs/denoise.yaml").toString();
        ProcessingSupport.run("denoise_predict", "--config_file", config, "--array-task=2")
                .assertUserError("--array-task: INDEX 2 is outside 0..1 (2 tomograms in ");
        ProcessingSupport.run("denoise_predict", "--config_file", config, "--array-task=0", "--filename", "TS_01.mrc")
                .assertUserError("give --filename or --array-task, not both.");

        assertEquals(0, step.run("denoise_predict", "configs/denoise.yaml", "--array-task=1"));
        assertTrue(Files.exists(step.actual("denoised/TS_02.mrc")));
        assertFalse(Files.exists(step.actual("denoised/TS_01.mrc")), "task 1 is the second tomogram");
    }
}
