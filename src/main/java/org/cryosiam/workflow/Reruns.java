package org.cryosiam.workflow;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.cryosiam.log.Log;
import org.cryosiam.zoo.RunRecord;

/**
 * Whether a tomogram's outputs from an earlier run stand for this run's, so that a rerun over a folder skips it.
 * They do when every output is there under its final name (outputs are renamed into place only when complete,
 * {@link org.cryosiam.io.AtomicFile}) and each was made by this command with the same config text and model: an
 * HDF5 output says so in its attributes, any other in the run record ({@link RunRecord#madeBy}).
 */
public final class Reruns {
    private Reruns() {
    }

    /** True, and says so, when {@code outputs} (of the tomogram {@code stem}) are complete and up to date. */
    public static boolean upToDate(String stem, List<Path> outputs, RunRecord run, Log log) {
        if (outputs.stream().noneMatch(Files::exists)) {
            return false; // never made: nothing to say
        }
        Map<String, String> now = run == null ? Map.of() : run.hdf5Attributes();
        for (Path f : outputs) {
            if (!Files.exists(f)) {
                log.info("recomputing " + stem + ": " + f + " is missing");
                return false;
            }
            Map<String, String> then = run == null ? Map.of() : run.madeBy(f);
            for (String key : RunRecord.MADE_BY) {
                if (now.get(key) == null || !now.get(key).equals(then.get(key))) {
                    log.info("recomputing " + stem + ": " + f + " was made by "
                            + (then.get(key) == null ? "an older or unknown run"
                            : "another " + key.replace("cryosiam_", "").replace("_sha256", "")));
                    return false;
                }
            }
        }
        log.info(stem + ": outputs up to date (same config and model), skipped; --overwrite recomputes");
        return true;
    }
}
