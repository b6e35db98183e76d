package org.cryosiam.commands;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.config.Config;
import org.cryosiam.io.InputFiles;
import picocli.CommandLine.Option;

/**
 * Base of the commands driven by a reference YAML config: {@code --config_file F [--filename NAME]}. Subclasses
 * implement {@link #run(Config)}; this class reads the config, resolves the input list and reports the time taken.
 */
public abstract class ConfigCommand implements Callable<Integer> {
    @Option(names = {"--config_file", "--config-file"}, required = true, paramLabel = "FILE",
            description = "The YAML config (the same file the Python tool takes).")
    protected Path configFile;

    @Option(names = {"--filename"}, paramLabel = "NAME",
            description = "Process only this input file (a name from the list, or its 1-based index).")
    protected String filename;

    @Option(names = {"--array-task", "--array_task"},
            description = "Process the input whose 1-based index is $SLURM_ARRAY_TASK_ID (one tomogram per array task).")
    protected boolean arrayTask;

    @Override
    public final Integer call() throws Exception {
        long start = System.nanoTime();
        Config cfg = Config.load(configFile);
        if (arrayTask) {
            String id = System.getenv("SLURM_ARRAY_TASK_ID");
            if (id == null || !id.matches("[0-9]+")) {
                throw new CryosiamUserException("--array-task: SLURM_ARRAY_TASK_ID is not set to a number.");
            }
            filename = id;
        }
        run(cfg);
        CommandLog.info(String.format("done in %.1f s", (System.nanoTime() - start) / 1e9));
        return 0;
    }

    /** Does the command's work. */
    protected abstract void run(Config cfg) throws Exception;

    /** The input file names of {@code data_folder}/{@code file_extension}/{@code test_files} and {@code --filename}. */
    protected List<String> inputFiles(Config cfg, String folderKey) {
        return InputFiles.select(cfg.path(folderKey), cfg.string("file_extension"),
                cfg.stringListOrNull("test_files"), filename);
    }
}
