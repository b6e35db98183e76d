package org.cryosiam.workflow;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.Interrupts;
import org.cryosiam.RunInterrupted;
import org.cryosiam.config.Config;
import org.cryosiam.config.ConfigKeys;
import org.cryosiam.io.AtomicFile;
import org.cryosiam.io.InputFiles;
import org.cryosiam.io.OutputFolders;
import org.cryosiam.io.OutputGuard;
import org.cryosiam.io.OutputSink;
import org.cryosiam.io.WorkLock;
import org.cryosiam.log.Log;
import org.cryosiam.run.RunContext;
import org.cryosiam.zoo.ModelResolver;
import org.cryosiam.zoo.RunRecord;

/**
 * One run of a {@link Step} on a config file: {@link #execute} reads the config, checks what can be checked before
 * any work, runs the step, reports the time taken and appends the run's record to
 * {@code <prediction_folder>/cryosiam_run.json} (training configs: {@code log_dir}) ({@link RunRecord}). While the
 * step works, this object gives it the run's context (with the record) and the input list.
 */
public final class StepRun {
    /**
     * Which inputs a run takes and whether it recomputes finished ones.
     *
     * @param filename  one input by name or 1-based index, or null
     * @param arrayTask one input by 0-based index; empty: {@code $SLURM_ARRAY_TASK_ID}; null: not chosen so
     * @param overwrite recompute every tomogram, up to date or not
     */
    public record Selection(String filename, String arrayTask, boolean overwrite) {
        /** Every input, finished ones skipped where the step skips them. */
        public static final Selection ALL = new Selection(null, null, false);
    }

    private final String name;
    private final RunContext ctx;
    private final Selection selection;
    /** Where the per-tomogram locks go (the run record's folder), or null: no locks. */
    private final Path lockFolder;
    /** Set by {@link #unfinished}: the inputs' extension and their outputs, for the locks of {@link #forEachInput}. */
    private String ext;
    private Function<String, List<Path>> outputsOf;

    private StepRun(String name, RunContext ctx, Selection selection, Path lockFolder) {
        this.name = name;
        this.ctx = ctx;
        this.selection = selection;
        this.lockFolder = lockFolder;
    }

    /**
     * Runs {@code step} on the config {@code configFile}.
     *
     * @param arguments the command line recorded in the run record
     */
    public static void execute(Step step, List<String> arguments, Path configFile, Selection selection,
                               RunContext ctx) throws Exception {
        long start = System.nanoTime();
        Log log = ctx.log();
        Config cfg = loadConfig(configFile, step.takesFilename(), log);
        warnAboutKeys(cfg, log);
        if (selection.arrayTask() != null && selection.filename() != null) {
            throw new CryosiamUserException("give --filename or --array-task, not both.");
        }
        Path recordFolder = recordFolder(cfg);
        if (recordFolder != null) {
            OutputFolders.checkWritable(recordFolder, cfg.has("prediction_folder") ? "prediction_folder" : "log_dir");
        }
        Map<String, Path> outputFolders = step.outputFolders().apply(cfg);
        for (Map.Entry<String, Path> out : outputFolders.entrySet()) {
            OutputFolders.checkWritable(out.getValue(), out.getKey());
        }
        removeStaleTemporaries(recordFolder, outputFolders.values(), log);
        try (RunRecord record = RunRecord.begin(step.name(), arguments, configFile, recordFolder, log)) {
            try {
                step.work().run(cfg, new StepRun(step.name(), ctx.withRecord(record), selection, recordFolder));
            } catch (RunInterrupted e) {
                record.interrupted(e.getMessage());
                throw e;
            } catch (Exception | Error e) {
                record.failed(e);
                throw e;
            }
            record.succeeded();
        }
        log.info(String.format("done in %.1f s", (System.nanoTime() - start) / 1e9));
    }

    /**
     * A run of {@code step} outside {@link #execute}: no config checks and no run record, all inputs, each one
     * recomputed (the benchmark times the work alone).
     */
    public static StepRun bare(Step step, RunContext ctx) {
        return new StepRun(step.name(), ctx, new Selection(null, null, true), null);
    }

    /**
     * Removes the temporary files that killed runs of this host left in the run's folders (also done silently before
     * each write) and names them with their sizes, so that the space they took is accounted for; and their stale
     * locks.
     */
    private static void removeStaleTemporaries(Path recordFolder, java.util.Collection<Path> others, Log log) {
        java.util.Set<Path> folders = new java.util.LinkedHashSet<>();
        if (recordFolder != null) {
            folders.add(recordFolder.toAbsolutePath().normalize());
        }
        others.forEach(f -> folders.add(f.toAbsolutePath().normalize()));
        for (Path folder : folders) {
            if (!java.nio.file.Files.isDirectory(folder)) {
                continue;
            }
            List<AtomicFile.Leftover> removed = AtomicFile.removeStale(folder);
            if (!removed.isEmpty()) {
                long bytes = removed.stream().mapToLong(AtomicFile.Leftover::bytes).sum();
                log.info("removed " + Words.count(removed.size(), "temporary file") + " (" + AtomicFile.size(bytes)
                        + ") that interrupted runs left in " + folder + ": " + String.join(", ",
                        removed.stream().map(AtomicFile.Leftover::describe).toList()));
            }
            List<String> locks = WorkLock.removeStale(folder);
            if (!locks.isEmpty()) {
                log.info("removed " + Words.count(locks.size(), "stale lock") + " in " + folder + ": "
                        + String.join(", ", locks));
            }
        }
    }

    /**
     * A config file as a step reads it (what {@code cryosiam slurm} counts the tomograms of, too): for a step that
     * takes its inputs one by one, a copick project's tomograms as {@code data_folder}.
     */
    public static Config loadConfig(Path file, boolean takesFilename, Log log) throws IOException {
        return Copick.inputs(Config.load(file), takesFilename, log);
    }

    /** Where the run record goes: {@code prediction_folder}, else {@code log_dir}, else nowhere (null). */
    private static Path recordFolder(Config cfg) {
        return cfg.has("prediction_folder") ? cfg.path("prediction_folder")
                : cfg.has("log_dir") ? cfg.path("log_dir") : null;
    }

    /** One warning per unknown key (with the nearest known one) and one line for the keys ignored on purpose. */
    private static void warnAboutKeys(Config cfg, Log log) {
        ConfigKeys.Report report = ConfigKeys.check(cfg);
        report.warnings().forEach(log::warn);
        if (!report.ignored().isEmpty()) {
            log.info("not used here (the Python tool's GPU, cluster and evaluation settings): "
                    + String.join(", ", report.ignored()));
        }
    }

    /** The step's name, e.g. {@code denoise_predict} (what output labels name). */
    public String name() {
        return name;
    }

    /** The run's context, with its run record. */
    public RunContext context() {
        return ctx;
    }

    public Log log() {
        return ctx.log();
    }

    /** Where the run's output files are noted: its run record. */
    public OutputSink outputs() {
        return ctx.outputs();
    }

    /**
     * The input file names of {@code data_folder}/{@code file_extension}/{@code test_files}, narrowed to one by the
     * selection's file name or array task.
     */
    public List<String> inputFiles(Config cfg, String folderKey) {
        if (selection.arrayTask() == null) {
            return InputFiles.select(cfg.path(folderKey), cfg.string("file_extension"),
                    cfg.stringListOrNull("test_files"), selection.filename());
        }
        return List.of(arrayTaskInput(cfg, folderKey, selection.arrayTask(), System.getenv("SLURM_ARRAY_TASK_ID")));
    }

    /** Every input the config selects, in the order the steps (and a Slurm array's task ids) take them. */
    public static List<String> allInputs(Config cfg, String folderKey) {
        return InputFiles.select(cfg.path(folderKey), cfg.string("file_extension"),
                cfg.stringListOrNull("test_files"), null);
    }

    /**
     * The input of one array task: {@code value} (from {@code --array-task INDEX}) or, when it is empty,
     * {@code slurmTaskId}, as a 0-based index into {@link #allInputs}.
     */
    public static String arrayTaskInput(Config cfg, String folderKey, String value, String slurmTaskId) {
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

    /** Whether every tomogram is recomputed ({@code --overwrite}), up to date or not, and no earlier output reused. */
    public boolean overwrite() {
        return selection.overwrite();
    }

    /**
     * The inputs still to do: all with {@code overwrite}, else those whose outputs are not complete and made by this
     * step with this config and model ({@link Reruns}); each one skipped is named. Call it once the model is noted in
     * the run record ({@link #noteModel}), so that its SHA-256 can be compared.
     *
     * @param outputsOf the output files of an input file name
     */
    public List<String> unfinished(List<String> files, String ext, Function<String, List<Path>> outputsOf) {
        this.ext = ext;
        this.outputsOf = outputsOf;
        if (selection.overwrite()) {
            return files;
        }
        List<String> todo = new ArrayList<>();
        for (String name : files) {
            if (!Reruns.upToDate(InputFiles.stem(name, ext), outputsOf.apply(name), ctx.record(), log())) {
                todo.add(name);
            }
        }
        if (todo.isEmpty()) {
            log().info("nothing to do: every output is up to date (--overwrite recomputes)");
        }
        return todo;
    }

    /**
     * Notes {@code trained_model} (its SHA-256) in the run record before any network is built, for
     * {@link #unfinished}. A model that cannot be resolved is reported where it is loaded, if it is needed at all
     * (instance_predict reusing raw maps needs none); here it only means that no output counts as up to date.
     */
    public void noteModel(Config cfg) {
        try {
            ModelResolver.resolve(cfg, "trained_model", ctx.record());
        } catch (CryosiamUserException e) {
            // see above
        }
    }

    /** The work on one input file. */
    @FunctionalInterface
    public interface InputTask {
        void run(String name);
    }

    /**
     * Runs {@code task} on each input. A user error on one input (a damaged file, a missing mask) is reported and the
     * others still run; the run then ends with one user error that names the inputs that failed. A single input's
     * error is passed on as it is. Other errors (bugs, memory) end the run at once; so does SIGINT or SIGTERM,
     * checked before each input ({@link Interrupts}).
     *
     * <p>After {@link #unfinished}, each input is locked while it is computed ({@link WorkLock},
     * {@code .<stem>.<command>.lock} in the run record's folder): one that another live run is computing is skipped
     * with a warning, and the run still succeeds (exit code 0), its summary and run record naming what it left to the
     * other run; one that the other run finished meanwhile is skipped as up to date.
     */
    public void forEachInput(List<String> files, InputTask task) {
        List<String> failed = new ArrayList<>();
        List<String> busy = new ArrayList<>();
        int done = 0;
        for (String file : files) {
            int before = done;
            Interrupts.check(() -> before + "/" + Words.count(files.size(), "tomogram"));
            try {
                String holder = runLocked(file, task);
                if (holder != null) {
                    busy.add(file + " (" + holder + ")");
                }
            } catch (CryosiamUserException e) {
                if (files.size() == 1) {
                    throw e;
                }
                failed.add(file);
                String msg = String.valueOf(e.getMessage()).strip();
                ctx.err().println("error: " + file + ": " + msg + (msg.matches("(?s).*[.?!]") ? "" : "."));
                ctx.err().flush();
            }
            done++;
        }
        if (!busy.isEmpty()) {
            log().warn(Words.count(busy.size(), "tomogram") + " of " + files.size() + " skipped: another run is "
                    + "computing " + (busy.size() == 1 ? "it" : "them") + " (" + String.join(", ", busy) + ")");
        }
        if (!failed.isEmpty()) {
            throw new CryosiamUserException(failed.size() + " of " + Words.count(files.size(), "tomogram")
                    + " failed (" + String.join(", ", failed) + "; the reasons are above), the others were done");
        }
    }

    /**
     * Runs {@code task} on {@code file} under its lock, when this run locks; returns null, or the holder of the lock
     * when another run is computing the file (then skipped).
     */
    private String runLocked(String file, InputTask task) {
        if (lockFolder == null || ext == null) {
            task.run(file);
            return null;
        }
        String stem = InputFiles.stem(file, ext);
        Path lockFile = lockFolder.resolve("." + stem + "." + name + ".lock");
        WorkLock.Attempt attempt = WorkLock.tryAcquire(lockFile);
        if (!attempt.acquired()) {
            log().warn(file + " is being computed by another run (" + attempt.holder() + "), skipped");
            if (ctx.record() != null) {
                ctx.record().skippedLocked(file + " (" + attempt.holder() + ")");
            }
            return attempt.holder();
        }
        try (WorkLock lock = attempt.lock()) {
            if (attempt.tookOver() != null) {
                log().info(file + ": took over the stale lock " + lockFile.getFileName() + " (" + attempt.tookOver()
                        + ")");
            }
            // the run that held the lock may have finished this file since unfinished() looked
            if (!selection.overwrite() && Reruns.upToDate(stem, outputsOf.apply(file), ctx.record(), Log.silent())) {
                log().info(stem + ": finished by another run meanwhile, skipped");
                return null;
            }
            task.run(file);
        }
        return null;
    }

    /**
     * Refuses the run before any work when an output named after an input ({@code <stem><suffix>} in
     * {@code outFolder}, for each suffix) would be one of the input files, e.g. with prediction_folder = data_folder.
     */
    public static void refuseOverwritingInputs(Path dataFolder, List<String> files, String ext, Path outFolder,
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
