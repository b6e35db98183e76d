package org.cryosiam.train.listener;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.cryosiam.checkpoint.CheckpointWriter;
import org.cryosiam.checkpoint.DType;
import org.cryosiam.io.OutputSink;
import org.cryosiam.checkpoint.Tensor;
import org.cryosiam.train.OneCycle;
import org.cryosiam.train.Optimizer;
import org.cryosiam.train.TaskModel;
import org.cryosiam.train.Trainer;
import org.cryosiam.train.TrainingDiverged;
import org.cryosiam.train.TrainingListener;

/**
 * Lightning's {@code ModelCheckpoint(monitor='val_loss')}: after every epoch {@code model_best.ckpt} when the
 * validation loss improved, then {@code last.ckpt}; each the whole training state (weights, optimiser moments,
 * schedule position, epoch, best score) in the checkpoint layout the Python tool loads.
 */
public final class CheckpointSaver implements TrainingListener {
    private final Path modelDir;
    private final Map<String, Object> hyperParameters;
    private final Map<String, Tensor> carried;
    private final OutputSink outputs;

    /**
     * @param modelDir        the folder of the checkpoints ({@code log_dir/model})
     * @param hyperParameters the checkpoints' {@code hyper_parameters}
     * @param carried         tensors the network does not hold, saved as they are
     * @param outputs         where each checkpoint written is noted (the run record)
     */
    public CheckpointSaver(Path modelDir, Map<String, Object> hyperParameters, Map<String, Tensor> carried,
            OutputSink outputs) {
        this.outputs = outputs;
        this.modelDir = modelDir;
        this.hyperParameters = hyperParameters;
        this.carried = carried;
    }

    @Override
    public void onEpoch(Trainer trainer, Trainer.EpochEnd epoch) {
        Trainer.EpochMetrics m = epoch.metrics();
        Map<String, Object> ckpt = checkpoint(trainer, m.epoch(), m.step(), epoch.schedule(), epoch.bestValLoss());
        if (epoch.improved()) {
            CheckpointWriter.write(modelDir.resolve("model_best.ckpt"), ckpt, outputs);
        }
        CheckpointWriter.write(modelDir.resolve("last.ckpt"), ckpt, outputs);
    }

    private Map<String, Object> checkpoint(Trainer trainer, int epoch, long step, OneCycle schedule, double best) {
        Trainer.Settings s = trainer.settings();
        long pos = Math.min(step, schedule.totalSteps());
        double lr = schedule.lr(pos);
        double mom = schedule.momentum(pos);
        Map<String, Object> callbacks = new LinkedHashMap<>();
        Map<String, Object> mc = new LinkedHashMap<>();
        mc.put("monitor", "val_loss");
        mc.put("best_model_score", Double.isInfinite(best) ? null : best);
        mc.put("best_model_path", Double.isInfinite(best) ? "" : modelDir.resolve("model_best.ckpt").toString());
        mc.put("last_model_path", modelDir.resolve("last.ckpt").toString());
        callbacks.put("ModelCheckpoint{'monitor': 'val_loss', 'mode': 'min', 'every_n_train_steps': 0, "
                + "'every_n_epochs': " + s.schedule().valInterval() + ", 'train_time_interval': None}", mc);
        Map<String, Tensor> weights = TaskModel.stateDict(trainer.network(), carried);
        requireFinite(weights, epoch);
        return CheckpointWriter.lightning(weights, hyperParameters, epoch,
                step, List.of(trainer.optimizer().stateDict(lr, mom, schedule)),
                List.of(schedule.stateDict(pos, s.optimization().kind() != Optimizer.Kind.SGD)), callbacks);
    }

    /**
     * The trainer stops before a non-finite step; this is the last line of defence: a checkpoint is never written
     * with a NaN or infinite weight or statistic (the one before stays).
     */
    private static void requireFinite(Map<String, Tensor> weights, int epoch) {
        for (Map.Entry<String, Tensor> e : weights.entrySet()) {
            Tensor t = e.getValue();
            if (t.dtype() != DType.FLOAT32) {
                continue;
            }
            for (float v : t.toFloatArray()) {
                if (!Float.isFinite(v)) {
                    throw new TrainingDiverged("training stopped after epoch " + (epoch + 1)
                            + ": " + e.getKey() + " holds a non-finite value, so no checkpoint of it was written.");
                }
            }
        }
    }
}
