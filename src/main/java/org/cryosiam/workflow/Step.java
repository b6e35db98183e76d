package org.cryosiam.workflow;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

import org.cryosiam.config.Config;

/**
 * A pipeline step driven by a config file, as its command and the demo run it ({@link StepRun#execute}): its name,
 * how it takes its inputs, what is checked before any work, and the work.
 *
 * @param name           the name as typed on the command line, e.g. {@code denoise_predict}: what run records and
 *                       output labels name
 * @param takesFilename  whether the step processes its inputs one at a time, so that one of them can be chosen
 *                       ({@code --filename}, {@code --array-task}) and a copick project's tomograms can stand for
 *                       {@code data_folder}
 * @param skipsFinished  whether the step skips tomograms whose outputs are up to date ({@link StepRun#unfinished})
 * @param outputFolders  the folders the step writes besides the run record's, by the config key that names them,
 *                       checked for write permission before any work
 */
public record Step(String name, Work work, boolean takesFilename, boolean skipsFinished,
                   Function<Config, Map<String, Path>> outputFolders) {
    /** The work of a step on its config, inside its run. */
    @FunctionalInterface
    public interface Work {
        void run(Config cfg, StepRun run) throws Exception;
    }

    /** A step that takes its inputs one at a time, always recomputes them and writes only to the record's folder. */
    public static Step of(String name, Work work) {
        return new Step(name, work, true, false, cfg -> Map.of());
    }

    /** This step, working on its whole input folder at once. */
    public Step wholeFolder() {
        return new Step(name, work, false, skipsFinished, outputFolders);
    }

    /** This step, skipping tomograms whose outputs are up to date. */
    public Step skippingFinished() {
        return new Step(name, work, takesFilename, true, outputFolders);
    }

    /** This step, writing also to {@code folders}. */
    public Step writing(Function<Config, Map<String, Path>> folders) {
        return new Step(name, work, takesFilename, skipsFinished, folders);
    }

    /** The folders named by those of {@code keys} the config sets. */
    public static Map<String, Path> folders(Config cfg, String... keys) {
        Map<String, Path> out = new java.util.LinkedHashMap<>();
        for (String k : keys) {
            if (cfg.has(k)) {
                out.put(k, cfg.path(k));
            }
        }
        return out;
    }
}
