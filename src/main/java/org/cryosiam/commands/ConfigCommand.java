package org.cryosiam.commands;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.config.Config;
import org.cryosiam.config.ConfigKeys;
import org.cryosiam.io.InputFiles;
import org.cryosiam.io.OutputFolders;
import org.cryosiam.io.OutputGuard;
import org.cryosiam.log.Log;
import org.cryosiam.run.RunContext;
import org.cryosiam.workflow.Copick;
import org.cryosiam.workflow.Reruns;
import org.cryosiam.workflow.Words;
import org.cryosiam.zoo.ModelResolver;
import org.cryosiam.zoo.RunRecord;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Base of the commands driven by a reference YAML config: {@code --config_file F [--filename NAME]}. Subclasses
 * implement {@link #run(Config)}; this class reads the config, resolves the input list, reports the time taken and
 * appends the run's record to {@code <prediction_folder>/cryosiam_run.json} (training configs: {@code log_dir}) ({@link
 * RunRecord}).
 */
public abstract class ConfigCommand implements Callable<Integer>, RunContext.Receiver {
    @Spec
    CommandSpec spec;

    /** The run's context, given before {@link #call}; inside {@link #run(Config)} it carries the run record. */
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
        long start = System.nanoTime();
        Config cfg = loadConfig(configFile);
        warnAboutKeys(cfg);
        if (arrayTask != null && filename != null) {
            throw new CryosiamUserException("give --filename or --array-task, not both.");
        }
        Path recordFolder = recordFolder(cfg);
        if (recordFolder != null) {
            OutputFolders.checkWritable(recordFolder, cfg.has("prediction_folder") ? "prediction_folder" : "log_dir");
        }
        for (Map.Entry<String, Path> out : outputFolders(cfg).entrySet()) {
            OutputFolders.checkWritable(out.getValue(), out.getKey());
        }
        RunContext outer = ctx;
        try (RunRecord record = RunRecord.begin(spec.name(), spec.commandLine().getParseResult().originalArgs(),
                configFile, recordFolder, log)) {
            use(outer.withRecord(record));
            try {
                run(cfg);
            } catch (Exception | Error e) {
                record.failed(e);
                throw e;
            }
            record.succeeded();
        } finally {
            use(outer);
        }
        log.info(String.format("done in %.1f s", (System.nanoTime() - start) / 1e9));
        return 0;
    }

    /** This command's view of a config file (what {@code cryosiam slurm} counts the tomograms of, too). */
    public Config loadConfig(Path file) throws java.io.IOException {
        // a copick project's tomograms as data_folder, for the commands that take their inputs one by one
        return Copick.inputs(Config.load(file), takesFilename(), log);
    }

    /** The command's name as typed, e.g. {@code denoise_predict} (what output labels and records name). */
    protected final String commandName() {
        // spec is null when another command runs this one directly (benchmark)
        return spec != null ? spec.name() : getClass().getAnnotation(picocli.CommandLine.Command.class).name();
    }

    /** Where the run record goes: {@code prediction_folder}, else {@code log_dir}, else nowhere (null). */
    private static Path recordFolder(Config cfg) {
        return cfg.has("prediction_folder") ? cfg.path("prediction_folder")
                : cfg.has("log_dir") ? cfg.path("log_dir") : null;
    }

    /**
     * The folders this command writes besides the run record's, by the config key that names them, checked for
     * write permission before any work.
     */
    protected Map<String, Path> outputFolders(Config cfg) {
        return Map.of();
    }

    /** The folders named by those of {@code keys} the config sets. */
    protected static Map<String, Path> folders(Config cfg, String... keys) {
        Map<String, Path> out = new java.util.LinkedHashMap<>();
        for (String k : keys) {
            if (cfg.has(k)) {
                out.put(k, cfg.path(k));
            }
        }
        return out;
    }

    /** One warning per unknown key (with the nearest known one) and one line for the keys ignored on purpose. */
    private void warnAboutKeys(Config cfg) {
        ConfigKeys.Report report = ConfigKeys.check(cfg);
        report.unknownWarnings().forEach(log::warn);
        if (!report.ignored().isEmpty()) {
            log.info("not used here (the Python tool's GPU, cluster and evaluation settings): "
                    + String.join(", ", report.ignored()));
        }
    }

    /**
     * Whether the command processes its inputs one at a time, so that {@code --filename}/{@code --array-task} mean
     * something; commands that do not are shown without them.
     */
    public boolean takesFilename() {
        return true;
    }

    /** Whether the command skips tomograms whose outputs are up to date (and so offers {@code --overwrite}). */
    public boolean skipsFinished() {
        return false;
    }

    /**
     * The inputs still to do: all with {@code --overwrite}, else those whose outputs are not complete and made by
     * this command with this config and model ({@link Reruns}); each one skipped is named. Call it once the model is
     * noted in the run record (resolved), so that its SHA-256 can be compared.
     *
     * @param outputsOf the output files of an input file name
     */
    protected List<String> unfinished(List<String> files, String ext, Function<String, List<Path>> outputsOf) {
        if (overwrite) {
            return files;
        }
        List<String> todo = new ArrayList<>();
        for (String name : files) {
            if (!Reruns.upToDate(InputFiles.stem(name, ext), outputsOf.apply(name), ctx.record(), log)) {
                todo.add(name);
            }
        }
        if (todo.isEmpty()) {
            log.info("nothing to do: every output is up to date (--overwrite recomputes)");
        }
        return todo;
    }

    /**
     * Notes {@code trained_model} (its SHA-256) in the run record before any network is built, for
     * {@link #unfinished}. A model that cannot be resolved is reported where it is loaded, if it is needed at all
     * (instance_predict reusing raw maps needs none); here it only means that no output counts as up to date.
     */
    protected void noteModel(Config cfg) {
        try {
            ModelResolver.resolve(cfg, "trained_model", ctx.record());
        } catch (CryosiamUserException e) {
            // see above
        }
    }

    /** The work on one input file. */
    @FunctionalInterface
    protected interface InputTask {
        void run(String name);
    }

    /**
     * Runs {@code task} on each input. A user error on one input (a damaged file, a missing mask) is reported and the
     * others still run; the run then ends with one user error that names the inputs that failed. A single input's
     * error is passed on as it is. Other errors (bugs, memory) end the run at once.
     */
    protected void forEachInput(List<String> files, InputTask task) {
        if (files.size() == 1) {
            task.run(files.get(0));
            return;
        }
        List<String> failed = new ArrayList<>();
        for (String name : files) {
            try {
                task.run(name);
            } catch (CryosiamUserException e) {
                failed.add(name);
                String msg = String.valueOf(e.getMessage()).strip();
                ctx.err().println("error: " + name + ": " + msg + (msg.matches("(?s).*[.?!]") ? "" : "."));
                ctx.err().flush();
            }
        }
        if (!failed.isEmpty()) {
            throw new CryosiamUserException(failed.size() + " of " + Words.count(files.size(), "tomogram")
                    + " failed (" + String.join(", ", failed) + "; the reasons are above), the others were done");
        }
    }

    /**
     * The config key of the folder under which {@code cryosiam slurm} puts this command's job script and logs
     * ({@code <folder>/slurm}): the prediction folder of commands that take one tomogram per array task; null for
     * commands that are no Slurm job of their own (they work on a whole folder at once).
     */
    public String slurmFolderKey() {
        return takesFilename() ? "prediction_folder" : null;
    }

    /** Does the command's work. */
    protected abstract void run(Config cfg) throws Exception;

    /**
     * The input file names of {@code data_folder}/{@code file_extension}/{@code test_files}, narrowed to one by
     * {@code --filename} or {@code --array-task}.
     */
    protected List<String> inputFiles(Config cfg, String folderKey) {
        if (arrayTask == null) {
            return InputFiles.select(cfg.path(folderKey), cfg.string("file_extension"),
                    cfg.stringListOrNull("test_files"), filename);
        }
        return List.of(arrayTaskInput(cfg, folderKey, arrayTask, System.getenv("SLURM_ARRAY_TASK_ID")));
    }

    /** Every input the config selects, in the order the commands (and a Slurm array's task ids) take them. */
    public static List<String> allInputs(Config cfg, String folderKey) {
        return InputFiles.select(cfg.path(folderKey), cfg.string("file_extension"),
                cfg.stringListOrNull("test_files"), null);
    }

    /**
     * The input of one array task: {@code value} (from {@code --array-task INDEX}) or, when it is empty,
     * {@code slurmTaskId}, as a 0-based index into {@link #allInputs}.
     */
    static String arrayTaskInput(Config cfg, String folderKey, String value, String slurmTaskId) {
        String source = value.isEmpty() ? "SLURM_ARRAY_TASK_ID" : "INDEX";
        String id = value.isEmpty() ? slurmTaskId : value;
        if (id == null || !id.strip().matches("[0-9]{1,9}")) {
            throw new CryosiamUserException("--array-task: " + (id == null ? "SLURM_ARRAY_TASK_ID is not set (run "
                    + "inside a Slurm job array, or give the index as --array-task=N)"
                    : source + " '" + id + "' is not a task index (0, 1, 2, …)") + ".");
        }
        List<String> all = allInputs(cfg, folderKey);
        int i = Integer.parseInt(id.strip());
        if (i >= all.size()) {
            String where = cfg.stringListOrNull("test_files") != null ? "test_files of " + cfg.source()
                    : cfg.path(folderKey).toString();
            throw new CryosiamUserException("--array-task: " + source + " " + i + " is outside 0.." + (all.size() - 1)
                    + " (" + Words.count(all.size(), "tomogram") + " in " + where + ").");
        }
        return all.get(i);
    }

    /**
     * Refuses the run before any work when an output named after an input ({@code <stem><suffix>} in
     * {@code outFolder}, for each suffix) would be one of the input files, e.g. with prediction_folder = data_folder.
     */
    protected static void refuseOverwritingInputs(Path dataFolder, List<String> files, String ext, Path outFolder,
                                                  String... suffixes) {
        List<Path> inputs = new ArrayList<>();
        List<Path> outputs = new ArrayList<>();
        for (String name : files) {
            inputs.add(dataFolder.resolve(name));
            for (String suffix : suffixes) {
                outputs.add(outFolder.resolve(InputFiles.stem(name, ext) + suffix));
            }
        }
        OutputGuard.refuse(inputs, outputs);
    }
}
