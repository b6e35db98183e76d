package org.cryosiam.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.cryosiam.FixtureStep;
import org.cryosiam.Fixtures;
import org.cryosiam.Launcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 16 item 5: {@code cryosiam slurm} writes (and submits) a job array of one task per tomogram. */
class SlurmCommandTest {
    @TempDir
    Path dir;

    private String config(FixtureStep step, String name) {
        return step.work.resolve("configs/" + name).toString();
    }

    @Test
    void writesOneArrayTaskPerTomogramWithTheResourcesGiven() throws IOException {
        FixtureStep step = new FixtureStep(Fixtures.pipelineSmall(), dir);
        String cfg = config(step, "denoise.yaml");
        ProcessingSupport.run("slurm", "denoise_predict", "--config_file", cfg, "--partition", "gpu", "--time",
                "2:00:00", "--gpus", "1", "--cpus", "8", "--mem", "32G").assertOk();
        Path slurm = step.actual("denoised/slurm");
        String launcher = Launcher.command();
        assertTrue(launcher.endsWith("/bin/cryosiam"), launcher);
        assertEquals(List.of(
                "#!/bin/bash",
                "#SBATCH --job-name=cryosiam_denoise_predict",
                "#SBATCH --array=0-1",
                "#SBATCH --output=" + slurm.resolve("cryosiam_denoise_predict-%A_%a.out"),
                "#SBATCH --chdir=" + Path.of("").toAbsolutePath(),
                "#SBATCH --partition=gpu",
                "#SBATCH --time=2:00:00",
                "#SBATCH --gpus=1",
                "#SBATCH --cpus-per-task=8",
                "#SBATCH --mem=32G",
                launcher + " denoise_predict --config_file " + cfg + " --array-task"),
                Files.readAllLines(slurm.resolve("denoise_predict.sbatch")));

        // no resource option: no resource line; test_files narrows the array
        Path listed = step.work.resolve("configs/semantic_listed.yaml");
        Files.writeString(listed, Files.readString(Path.of(config(step, "semantic.yaml")))
                .replace("test_files: null", "test_files: [TS_02.mrc]"));
        ProcessingSupport.run("slurm", "semantic_predict", "--config_file", listed.toString()).assertOk();
        List<String> lines = Files.readAllLines(step.actual("semantic/slurm/semantic_predict.sbatch"));
        assertEquals(6, lines.size(), lines.toString());
        assertEquals("#SBATCH --array=0-0", lines.get(2));
        assertFalse(String.join("\n", lines).contains("--partition"), lines.toString());
    }

    @Test
    void trainingIsOneJobInItsLogDir() throws IOException {
        Path cfg = dir.resolve("train.yaml");
        Files.writeString(cfg, "data_folder: " + dir + "\nlog_dir: " + dir.resolve("log") + "\n");
        ProcessingSupport.run("slurm", "semantic_train", "--config_file", cfg.toString(), "--gpus", "2").assertOk();
        List<String> lines = Files.readAllLines(dir.resolve("log/slurm/semantic_train.sbatch"));
        assertEquals("#SBATCH --output=" + dir.resolve("log/slurm/cryosiam_semantic_train-%j.out"), lines.get(2));
        assertTrue(lines.contains("#SBATCH --gpus=2"), lines.toString());
        assertFalse(String.join("\n", lines).contains("array"), lines.toString());
        assertEquals(Launcher.command() + " semantic_train --config_file " + cfg, lines.get(lines.size() - 1));
    }

    @Test
    void refusesWhatIsNoJobArray() throws IOException {
        Path cfg = dir.resolve("c.yaml");
        Files.writeString(cfg, "prediction_folder: " + dir + "\n");
        ProcessingSupport.run("slurm", "semantic_to_centers", "--config_file", cfg.toString()).assertUserError(
                "semantic_to_centers takes no list of tomograms from a config, so there is no job array to write; "
                        + "run it directly.");
        ProcessingSupport.run("slurm", "processing_invert_scale", "--config_file", cfg.toString())
                .assertUserError("processing_invert_scale takes no list of tomograms from a config");
        ProcessingSupport.run("slurm", "denoise", "--config_file", cfg.toString())
                .assertUserError("slurm: no command denoise; see `cryosiam --help`.");
        ProcessingSupport.run("slurm", "denoise_predict", "--config_file", cfg.toString(), "--time", "2 h")
                .assertUserError("--time '2 h': expected minutes or [D-]HH:MM:SS");
        ProcessingSupport.run("slurm", "denoise_predict", "--config_file", cfg.toString(), "--gpus", "0")
                .assertUserError("--gpus 0: give a count of at least 1.");
    }

    /** The CLI in a new JVM whose PATH is {@code path} (the in-process CLI cannot change its environment). */
    private Process cli(String path, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.cryosiam.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        Map<String, String> env = pb.environment();
        env.put("PATH", path);
        return pb.start();
    }

    @Test
    void submitRunsSbatchAndPrintsTheJobId() throws Exception {
        FixtureStep step = new FixtureStep(Fixtures.pipelineSmall(), dir.resolve("case"));
        Path bin = Files.createDirectories(dir.resolve("fakebin"));
        Path sbatch = bin.resolve("sbatch");
        Files.writeString(sbatch, "#!/bin/sh\necho \"$@\" > \"$(dirname \"$0\")/args\"\necho '4242;cluster1'\n");
        Files.setPosixFilePermissions(sbatch, PosixFilePermissions.fromString("rwxr-xr-x"));
        String cfg = config(step, "denoise.yaml");

        Process p = cli(bin + ":/usr/bin:/bin", "slurm", "denoise_predict", "--config_file", cfg, "--submit");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), err);
        assertEquals("4242\n", out);
        Path script = step.actual("denoised/slurm/denoise_predict.sbatch");
        assertEquals("--parsable " + script, Files.readString(bin.resolve("args")).strip());
        assertTrue(err.contains("submitted denoise_predict.sbatch as job 4242"), err);

        Path empty = Files.createDirectories(dir.resolve("nobin"));
        Process q = cli(empty.toString(), "slurm", "denoise_predict", "--config_file", cfg, "--submit");
        String qErr = new String(q.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(2, q.waitFor(), qErr);
        assertTrue(qErr.strip().endsWith("slurm: sbatch is not on PATH (submit from a Slurm login node), so "
                + script + " was written but not submitted."), qErr);
    }
}
