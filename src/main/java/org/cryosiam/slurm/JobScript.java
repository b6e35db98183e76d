package org.cryosiam.slurm;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.cryosiam.CryosiamUserException;

/**
 * A Slurm batch script that runs one command line, as a job array of {@code tasks} tasks (task ids 0..tasks−1, which
 * the command reads from {@code SLURM_ARRAY_TASK_ID}) or, with {@code tasks} 0, as a single job.
 *
 * @param jobName   {@code #SBATCH --job-name}
 * @param tasks     the array size, or 0 for a single job
 * @param logFolder where each task's output goes ({@code <jobName>-<job>_<task>.out})
 * @param workDir   the directory the tasks start in (relative paths in a config mean what they meant here)
 * @param resources the resource lines the user asked for
 * @param command   the words of the command line, each already absolute where it is a path
 */
public record JobScript(String jobName, int tasks, Path logFolder, Path workDir, Resources resources,
        List<String> command) {

    /** Resource requests; null fields are left to the cluster's defaults (no line is written for them). */
    public record Resources(String partition, String time, Integer gpus, Integer cpus, String mem) {
        private static final Pattern PARTITION = Pattern.compile("[A-Za-z0-9_.,-]+");
        // minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS (sbatch's --time formats)
        private static final Pattern TIME = Pattern.compile("[0-9]+(-[0-9]+)?(:[0-9]+){0,2}");
        private static final Pattern MEM = Pattern.compile("[0-9]+[KMGTkmgt]?[Bb]?");

        /** Refuses a value sbatch would reject, or one that would break the script (a newline, a space). */
        public Resources {
            check("--partition", partition, PARTITION, "a partition name such as gpu");
            check("--time", time, TIME, "minutes or [D-]HH:MM:SS, e.g. 2:00:00 or 1-00:00:00");
            check("--mem", mem, MEM, "a size such as 32G or 16000M");
            positive("--gpus", gpus);
            positive("--cpus", cpus);
        }

        private static void positive(String flag, Integer n) {
            if (n != null && n < 1) {
                throw new CryosiamUserException(flag + " " + n + ": give a count of at least 1.");
            }
        }

        private static void check(String flag, String value, Pattern p, String expected) {
            if (value != null && !p.matcher(value).matches()) {
                throw new CryosiamUserException(flag + " '" + value + "': expected " + expected + ".");
            }
        }
    }

    /** The script's text: the {@code #SBATCH} lines, then the command. */
    public String text() {
        List<String> lines = new ArrayList<>();
        lines.add("#!/bin/bash");
        lines.add("#SBATCH --job-name=" + jobName);
        if (tasks > 0) {
            lines.add("#SBATCH --array=0-" + (tasks - 1));
        }
        lines.add("#SBATCH --output=" + logFolder.resolve(jobName + (tasks > 0 ? "-%A_%a.out" : "-%j.out")));
        lines.add("#SBATCH --chdir=" + workDir);
        if (resources.partition() != null) {
            lines.add("#SBATCH --partition=" + resources.partition());
        }
        if (resources.time() != null) {
            lines.add("#SBATCH --time=" + resources.time());
        }
        if (resources.gpus() != null) {
            lines.add("#SBATCH --gpus=" + resources.gpus());
        }
        if (resources.cpus() != null) {
            lines.add("#SBATCH --cpus-per-task=" + resources.cpus());
        }
        if (resources.mem() != null) {
            lines.add("#SBATCH --mem=" + resources.mem());
        }
        List<String> words = new ArrayList<>();
        for (String w : command) {
            words.add(quote(w));
        }
        lines.add(String.join(" ", words));
        return String.join("\n", lines) + "\n";
    }

    /** A word as the shell reads it back unchanged: as it is when plain, else in single quotes. */
    static String quote(String word) {
        return word.matches("[A-Za-z0-9_./=:,+@%-]+") ? word : "'" + word.replace("'", "'\\''") + "'";
    }
}
