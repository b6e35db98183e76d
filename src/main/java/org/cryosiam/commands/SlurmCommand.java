package org.cryosiam.commands;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.Launcher;
import org.cryosiam.config.Config;
import org.cryosiam.io.AtomicFile;
import org.cryosiam.io.OutputFolders;
import org.cryosiam.log.Log;
import org.cryosiam.run.RunContext;
import org.cryosiam.slurm.JobScript;
import org.cryosiam.slurm.Sbatch;
import org.cryosiam.workflow.StepRun;
import org.cryosiam.workflow.Words;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cryosiam slurm <command> --config_file F}: writes the Slurm job script that runs a config-driven command on
 * a cluster, one array task per tomogram the config selects (task i runs {@code --array-task}, the i-th input), or
 * one job for {@code semantic_train}; {@code --submit} hands it to {@code sbatch}.
 */
@Command(name = "slurm", mixinStandardHelpOptions = true,
        description = {"Write a Slurm job script for a config-driven command: <prediction_folder>/slurm/<command>"
                + ".sbatch with one array task per tomogram the config selects (#SBATCH --array=0-(N-1); each task "
                + "runs `cryosiam <command> --config_file F --array-task`, which reads SLURM_ARRAY_TASK_ID); for "
                + "semantic_train, one job, in <log_dir>/slurm. Task logs go to the same folder. The tasks start in "
                + "the current directory, so relative paths in the config keep their meaning.",
                "Resource lines are written only for the options given. --submit runs sbatch on the script and "
                        + "prints the job id."})
public final class SlurmCommand implements Callable<Integer>, RunContext.Receiver {
    @Spec
    CommandSpec spec;

    private RunContext ctx;
    private Log log;

    @Parameters(index = "0", paramLabel = "COMMAND",
            description = "The command the job runs, e.g. denoise_predict or semantic_predict.")
    String command;

    @Option(names = {"--config_file", "--config-file"}, required = true, paramLabel = "FILE",
            description = "The command's YAML config.")
    Path configFile;

    @Option(names = "--partition", paramLabel = "P", description = "#SBATCH --partition.")
    String partition;

    @Option(names = "--time", paramLabel = "T", description = "#SBATCH --time per task, e.g. 2:00:00.")
    String time;

    @Option(names = "--gpus", paramLabel = "N", description = "#SBATCH --gpus per task.")
    Integer gpus;

    @Option(names = "--cpus", paramLabel = "N", description = "#SBATCH --cpus-per-task.")
    Integer cpus;

    @Option(names = "--mem", paramLabel = "M", description = "#SBATCH --mem per task, e.g. 32G.")
    String mem;

    @Option(names = "--submit", description = "Submit the script with sbatch and print the job id.")
    boolean submit;

    @Override
    public Integer call() throws java.io.IOException {
        JobScript.Resources resources = new JobScript.Resources(partition, time, gpus, cpus, mem);
        ConfigCommand target = target();
        Config cfg = target.loadConfig(configFile);
        String key = target.slurmFolderKey();
        Path folder = cfg.path(key).resolve("slurm");
        OutputFolders.checkWritable(folder, key);
        int tasks = 0;
        List<String> words = new ArrayList<>(Launcher.words());
        words.addAll(List.of(command, "--config_file", configFile.toAbsolutePath().normalize().toString()));
        String what = "one job";
        if (target.takesFilename()) {
            List<String> inputs = StepRun.allInputs(cfg, "data_folder");
            tasks = inputs.size();
            words.add("--array-task");
            what = "an array of " + Words.count(tasks, "task") + " (0 = " + inputs.get(0)
                    + (tasks > 1 ? " … " + (tasks - 1) + " = " + inputs.get(tasks - 1) : "") + ")";
        }
        Path dir = folder.toAbsolutePath().normalize();
        JobScript job = new JobScript("cryosiam_" + command, tasks, dir, Path.of("").toAbsolutePath(), resources,
                words);
        Path script = dir.resolve(command + ".sbatch");
        String text = job.text();
        AtomicFile.write(script, tmp -> Files.writeString(tmp, text));
        log.info("wrote " + script + ": " + what);
        if (submit) {
            String id = Sbatch.submit(script, System.getenv("PATH"));
            log.info("submitted " + script.getFileName() + " as job " + id);
            ctx.out().println(id);
            ctx.out().flush();
        } else {
            log.info("submit it with: sbatch " + script);
        }
        return 0;
    }

    /** The config-driven command named {@code command}; refuses others. */
    @Override
    public void use(RunContext context) {
        ctx = context;
        log = context.log();
    }

    private ConfigCommand target() {
        CommandLine sub = spec.root().subcommands().get(command);
        if (sub == null) {
            throw new CryosiamUserException("no command " + command + "; see `cryosiam --help`.");
        }
        if (!(sub.getCommand() instanceof ConfigCommand c) || c.slurmFolderKey() == null) {
            throw new CryosiamUserException(command + " takes no list of tomograms from a config, so there is no "
                    + "job array to write; run it directly.");
        }
        c.use(ctx); // it reads the config as it would (a copick project's tomograms, warnings)
        return c;
    }
}
