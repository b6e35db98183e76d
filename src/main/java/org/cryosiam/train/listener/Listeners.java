package org.cryosiam.train.listener;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.cryosiam.checkpoint.Tensor;
import org.cryosiam.io.OutputSink;
import org.cryosiam.log.Progress;
import org.cryosiam.train.TrainingListener;

/** The listeners a training run usually has. */
public final class Listeners {
    private Listeners() {
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
     * @param progress        the run's progress displays, for the batches of an epoch; null for none
     */
    public static List<TrainingListener> defaults(Path logDir, Map<String, Object> hyperParameters,
            Map<String, Tensor> carried, Consumer<String> log, Progress.Factory progress, OutputSink outputs) {
        MetricsCsv csv = new MetricsCsv(logDir.resolve("metrics.csv"), outputs);
        return List.of(csv, new LossCurvePlot(logDir.resolve("loss_curves.png"), csv, outputs),
                new CheckpointSaver(logDir.resolve("model"), hyperParameters, carried, outputs),
                new ConsoleProgress(log, progress));
    }
}
