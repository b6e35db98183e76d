package org.cryosiam.workflow;

import java.util.Arrays;
import java.util.List;

import org.cryosiam.checkpoint.Checkpoint;
import org.cryosiam.checkpoint.TrainingConfig;
import org.cryosiam.config.Config;
import org.cryosiam.log.Log;

/**
 * Warnings when a config asks for something its model was not made for: the run goes on (the user may mean it), but
 * is not silently different from what the config seems to say.
 */
public final class ModelChecks {
    private static final String PATCH = "parameters.data.patch_size";
    private static final String CLASSES = "parameters.network.out_channels";

    private ModelChecks() {
    }

    /** The checkpoint's training config ({@code hyper_parameters.<key>}, first key present), or null. */
    public static Config trainingConfig(Checkpoint ckpt, String... keys) {
        TrainingConfig c = TrainingConfig.first(ckpt, keys);
        return c.present() ? c.config() : null;
    }

    /** Warns when the config's patch size differs from the one the checkpoint was trained with (the output changes). */
    public static void warnPatchSize(Log log, Config cfg, Checkpoint ckpt, int[] used, String... keys) {
        Config task = trainingConfig(ckpt, keys);
        if (!cfg.has(PATCH) || task == null || !(task.get(PATCH) instanceof List<?> l) || l.size() != 3) {
            return;
        }
        int[] trained = new int[3];
        for (int i = 0; i < 3; i++) {
            if (!(l.get(i) instanceof Number n)) {
                return;
            }
            trained[i] = n.intValue();
        }
        if (!Arrays.equals(trained, used)) {
            log.warn(cfg.source() + ": " + PATCH + " " + Arrays.toString(used) + " differs from the patch size "
                    + Arrays.toString(trained) + " the model " + ckpt.file().getFileName() + " was trained with; "
                    + "the output changes with the patch size (remove the key to use the model's).");
        }
    }

    /** The number of classes in the checkpoint's training config, or -1 when it does not say. */
    public static int modelClasses(Checkpoint ckpt) {
        Config task = trainingConfig(ckpt, TrainingConfig.CONFIG);
        return task != null && task.get(CLASSES) instanceof Number n ? n.intValue() : -1;
    }

    /** Warns when the config's out_channels differs from the model's number of classes; {@code used}: what happens. */
    public static void warnClasses(Log log, Config cfg, int configClasses, int modelClasses, String modelFile,
                            String used) {
        if (modelClasses > 0 && configClasses != modelClasses) {
            log.warn(cfg.source() + ": " + CLASSES + " is " + configClasses + " but the model " + modelFile
                    + " has " + Words.count(modelClasses, "class") + "; " + used + ".");
        }
    }
}
