package org.cryosiam.slurm;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.cryosiam.CryosiamUserException;

/** Submitting a batch script with the {@code sbatch} found on {@code PATH}. */
public final class Sbatch {
    private Sbatch() {
    }

    /**
     * Runs {@code sbatch --parsable script} and returns the job id.
     *
     * @param path the {@code PATH} to look for sbatch in (the process's own)
     */
    public static String submit(Path script, String path) {
        Path sbatch = onPath("sbatch", path);
        if (sbatch == null) {
            throw new CryosiamUserException("sbatch is not on PATH (submit from a Slurm login node), so " + script
                    + " was written but not submitted.");
        }
        String out;
        int code;
        try {
            Process p = new ProcessBuilder(sbatch.toString(), "--parsable", script.toString())
                    .redirectErrorStream(true).start();
            p.getOutputStream().close();
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            code = p.waitFor();
        } catch (IOException e) {
            throw new CryosiamUserException(sbatch + ": cannot run (" + e.getMessage() + ").", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CryosiamUserException(sbatch + ": interrupted while submitting " + script + ".", e);
        }
        String last = out.isEmpty() ? "" : out.lines().reduce((a, b) -> b).orElse("");
        // --parsable prints "<id>" or "<id>;<cluster>"; older setups print "Submitted batch job <id>"
        Matcher m = Pattern.compile("(?:^|\\s)([0-9]+)(?:;\\S*)?$").matcher(last);
        if (code != 0 || !m.find()) {
            throw new CryosiamUserException("sbatch did not accept " + script + " (exit code " + code
                    + (last.isEmpty() ? "" : ": " + last) + ").");
        }
        return m.group(1);
    }

    /** The executable {@code name} in the first folder of {@code path} that has one, or null. */
    static Path onPath(String name, String path) {
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path f = Path.of(dir, name);
            if (Files.isRegularFile(f) && Files.isExecutable(f)) {
                return f;
            }
        }
        return null;
    }
}
