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

    /** The run's context, given before {@link #call}; inside {@link #run(Config)} it carries the run record. */
    protected RunContext ctx;
    /** The run's log ({@code ctx.log()}). */
    protected Log log;
    /** The step's run while {@link #run(Config)} works, for the helpers below. */
    private StepRun running;

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

    /**
     * The pipeline step this command runs. By default the command's own {@link #run(Config)}: the one command whose
     * pipeline still lives here (instance_predict) works so; the others return their workflow's step.
     */
    protected Step step() {
        String name = getClass().getAnnotation(picocli.CommandLine.Command.class).name();
        return Step.of(name, (cfg, run) -> {
            RunContext outer = ctx;
            running = run;
            use(run.context());
            try {
                run(cfg);
            } finally {
                use(outer);
                running = null;
            }
        });
    }

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

    /** The work of a command without a workflow of its own ({@link #step()}). */
    protected void run(Config cfg) throws Exception {
        throw new IllegalStateException(getClass().getSimpleName() + " runs its workflow's step");
    }

    /** {@link StepRun#inputFiles}. */
    protected List<String> inputFiles(Config cfg, String folderKey) {
        return running.inputFiles(cfg, folderKey);
    }

    /** {@link StepRun#unfinished}. */
    protected List<String> unfinished(List<String> files, String ext, Function<String, List<Path>> outputsOf) {
        return running.unfinished(files, ext, outputsOf);
    }

    /** {@link StepRun#noteModel}. */
    protected void noteModel(Config cfg) {
        running.noteModel(cfg);
    }

    /** {@link StepRun#forEachInput}. */
    protected void forEachInput(List<String> files, StepRun.InputTask task) {
        running.forEachInput(files, task);
    }

    /** {@link StepRun#refuseOverwritingInputs}. */
    protected static void refuseOverwritingInputs(Path dataFolder, List<String> files, String ext, Path outFolder,
                                                  String... suffixes) {
        StepRun.refuseOverwritingInputs(dataFolder, files, ext, outFolder, suffixes);
    }
}
