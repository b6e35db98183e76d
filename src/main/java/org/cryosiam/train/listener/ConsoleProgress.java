package org.cryosiam.train.listener;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.Consumer;

import org.cryosiam.train.Trainer;
import org.cryosiam.train.TrainingListener;

/**
 * The console: during an epoch a progress bar redrawn at most four times a second (batches done, mean loss, time
 * left) when there is a terminal to draw it on; after each epoch one line (losses, time, speed, whether the
 * validation loss is the best so far).
 */
public final class ConsoleProgress implements TrainingListener {
    private final Consumer<String> log;
    private final PrintStream progress;
    private long lastDraw;

    /**
     * @param log      where the line of each epoch goes
     * @param progress where the progress bar is drawn, or null for none
     */
    public ConsoleProgress(Consumer<String> log, PrintStream progress) {
        this.log = log;
        this.progress = progress;
    }

    @Override
    public void onBatch(Trainer trainer, Trainer.BatchEnd b) {
        if (progress == null) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastDraw < 250_000_000L && b.batch() < b.batches()) {
            return;
        }
        lastDraw = now;
        double elapsed = (now - b.epochStart()) / 1e9;
        double eta = elapsed / b.batch() * (b.batches() - b.batch());
        progress.print(String.format(Locale.ROOT, "\repoch %d/%d [%d/%d] loss %.4f, ETA %s\u001b[K", b.epoch() + 1,
                trainer.settings().schedule().maxEpochs(), b.batch(), b.batches(), b.meanLoss(), clock(eta)));
        progress.flush();
    }

    @Override
    public void onEpoch(Trainer trainer, Trainer.EpochEnd e) {
        if (progress != null) {
            progress.print("\r\u001b[K");
            progress.flush();
        }
        Trainer.EpochMetrics m = e.metrics();
        Trainer.Schedule s = trainer.settings().schedule();
        double secs = m.seconds();
        log.accept(String.format(Locale.ROOT, "epoch %d/%d: train_loss %.4f%s, %.1f s (%.2f patches/s)%s",
                m.epoch() + 1, s.maxEpochs(), m.trainLoss(),
                e.validated() ? String.format(Locale.ROOT, ", val_loss %.4f", m.valLoss()) : "", secs,
                e.batches() * s.batchSize() / secs, e.improved() ? ", best so far" : ""));
    }

    static String clock(double seconds) {
        long t = Math.round(seconds);
        return t >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", t / 3600, t / 60 % 60, t % 60)
                : String.format(Locale.ROOT, "%d:%02d", t / 60, t % 60);
    }
}
