package org.cryosiam.commands;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;

import org.cryosiam.config.Config;
import org.cryosiam.log.Log;
import org.cryosiam.run.RunContext;
import org.cryosiam.workflow.Step;
import org.cryosiam.workflow.StepRun;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Base of the commands driven by a reference YAML config: {@code --config_file F [--filename NAME]}. A subclass names
 * its pipeline step ({@link #step()}, a class of {@code org.cryosiam.workflow}); this class hands the options to
 * {@link StepRun#execute}, which reads the config, resolves the input list, runs the step and keeps its run record.
 */
public abstract class ConfigCommand implements Callable<Integer>, RunContext.Receiver {
    @Spec
    CommandSpec spec;

    /** The run's context, given before {@link #call}. */
    protected RunContext ctx;
    /** The run's log ({@code ctx.log()}). */
    protected Log log;

    @Option(names = {"--config_file", "--config-file"}, required = true, paramLabel = "FILE",
            description = "The YAML config (the same file the Python tool takes).")
    protected Path configFile;

    @Option(names = {"--filename"}, paramLabel = "NAME",
            description = "Process only this input file (a name from the list, or its 1-based index).")
    protected String filename;

    // 0-based, as Slurm counts array tasks (#SBATCH --array=0-(N-1)); an explicit value reruns one task by hand
    @Option(names = {"--array-task", "--array_task"}, arity = "0..1", fallbackValue = "", paramLabel = "INDEX",
            description = "Process only the input whose 0-based index in the sorted input list is INDEX, by default "
                    + "$SLURM_ARRAY_TASK_ID (one tomogram per task of a Slurm job array; see `cryosiam slurm`).")
    protected String arrayTask;

    @Option(names = "--overwrite",
            description = "Recompute every tomogram. Without it, a tomogram whose outputs are complete and were made "
                    + "by this command with the same config text and model is skipped.")
    protected boolean overwrite;

    @Override
    public void use(RunContext context) {
        this.ctx = context;
        this.log = context.log();
    }

    @Override
    public final Integer call() throws Exception {
        StepRun.execute(step(), spec.commandLine().getParseResult().originalArgs(), configFile,
                new StepRun.Selection(filename, arrayTask, overwrite), ctx);
        return 0;
    }

    /** The pipeline step this command runs (a class of {@code org.cryosiam.workflow}). */
    protected abstract Step step();

    /** This command's view of a config file (what {@code cryosiam slurm} counts the tomograms of, too). */
    public final Config loadConfig(Path file) throws java.io.IOException {
        return StepRun.loadConfig(file, takesFilename(), log);
    }

    /**
     * Whether the command processes its inputs one at a time, so that {@code --filename}/{@code --array-task} mean
     * something; commands that do not are shown without them.
     */
    public boolean takesFilename() {
        return step().takesFilename();
    }

    /** Whether the command skips tomograms whose outputs are up to date (and so offers {@code --overwrite}). */
    public boolean skipsFinished() {
        return step().skipsFinished();
    }

    /**
     * The config key of the folder under which {@code cryosiam slurm} puts this command's job script and logs
     * ({@code <folder>/slurm}): the prediction folder of commands that take one tomogram per array task; null for
     * commands that are no Slurm job of their own (they work on a whole folder at once).
     */
    public String slurmFolderKey() {
        return takesFilename() ? "prediction_folder" : null;
    }
}
