package org.cryosiam.train.listener;

import java.util.Locale;
import java.util.function.Consumer;

import org.cryosiam.log.Progress;
import org.cryosiam.train.Trainer;
import org.cryosiam.train.TrainingListener;

/**
 * The console: during an epoch the run's progress display of its batches ({@link Progress}, as predictions show
 * their patches); after each epoch one line (losses, time, speed, whether the validation loss is the best so far).
 */
public final class ConsoleProgress implements TrainingListener {
    private final Consumer<String> log;
    private final Progress.Factory progress;
    private Progress epoch;

    /**
     * @param log      where the line of each epoch goes
     * @param progress the run's progress displays, or null for none
     */
    public ConsoleProgress(Consumer<String> log, Progress.Factory progress) {
        this.log = log;
        this.progress = progress;
    }

    @Override
    public void onBatch(Trainer trainer, Trainer.BatchEnd b) {
        if (progress == null) {
            return;
        }
        if (epoch == null) {
            epoch = progress.items(String.format(Locale.ROOT, "epoch %d/%d batches", b.epoch() + 1,
                    trainer.settings().schedule().maxEpochs()), b.batches());
        }
        epoch.update(b.batch());
    }

    @Override
    public void onRunEnd(Trainer trainer) {
        if (epoch != null) { // a failed or interrupted epoch: end its display (and its timer) without a summary
            epoch.close();
            epoch = null;
        }
    }

    @Override
    public void onEpoch(Trainer trainer, Trainer.EpochEnd e) {
        if (epoch != null) {
            epoch.finish();
            epoch = null;
        }
        Trainer.EpochMetrics m = e.metrics();
        Trainer.Schedule s = trainer.settings().schedule();
        double secs = m.seconds();
        log.accept(String.format(Locale.ROOT, "epoch %d/%d: train_loss %.4f%s, %.1f s (%.2f patches/s)%s",
                m.epoch() + 1, s.maxEpochs(), m.trainLoss(),
                e.validated() ? String.format(Locale.ROOT, ", val_loss %.4f", m.valLoss()) : "", secs,
                e.batches() * s.batchSize() / secs, e.improved() ? ", best so far" : ""));
    }
}
