package org.cryosiam.train.listener;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.cryosiam.io.OutputSink;
import org.cryosiam.checkpoint.Tensor;
import org.cryosiam.train.Trainer;

/**
 * Told by the {@link Trainer} of its progress (as DJL's {@code TrainingListener}): after every training batch, after
 * every epoch (validation done, best validation loss updated) and once when the last epoch is done.
 */
public interface TrainingListener {
    /** After the optimiser step of a training batch. */
    default void onBatch(Trainer trainer, Trainer.BatchEnd batch) {
    }

    /** After an epoch and its validation. */
    default void onEpoch(Trainer trainer, Trainer.EpochEnd epoch) {
    }

    /** After the last epoch of the run (not when training fails). */
    default void onTrainingEnd(Trainer trainer) {
    }

    /**
     * What {@code semantic_train} writes into {@code logDir}, in this order after each epoch: the row of
     * {@code metrics.csv} ({@link MetricsCsv}), {@code loss_curves.png} ({@link LossCurvePlot}),
     * {@code model/model_best.ckpt} when the validation loss improved and {@code model/last.ckpt}
     * ({@link CheckpointSaver}); then the console's line ({@link ConsoleProgress}).
     *
     * @param hyperParameters the checkpoints' {@code hyper_parameters}
     * @param carried         tensors the network does not hold, saved as they are
     * @param log             where the line of each epoch goes
     * @param progress        where the progress bar is drawn during an epoch, or null for none
     */
    static List<TrainingListener> defaults(Path logDir, Map<String, Object> hyperParameters,
            Map<String, Tensor> carried, Consumer<String> log, PrintStream progress, OutputSink outputs) {
        MetricsCsv csv = new MetricsCsv(logDir.resolve("metrics.csv"), outputs);
        return List.of(csv, new LossCurvePlot(logDir.resolve("loss_curves.png"), csv, outputs),
                new CheckpointSaver(logDir.resolve("model"), hyperParameters, carried, outputs),
                new ConsoleProgress(log, progress));
    }
}
