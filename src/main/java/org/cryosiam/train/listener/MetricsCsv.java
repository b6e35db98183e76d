package org.cryosiam.train.listener;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.io.AtomicFile;
import org.cryosiam.io.OutputSink;
import org.cryosiam.train.Trainer;
import org.cryosiam.train.TrainingListener;

/**
 * The metrics CSV ({@code log_dir/metrics.csv}): one row per epoch, rewritten after every epoch, dropping rows of
 * that epoch and later left by an earlier run (a resumed run continues the file).
 */
public final class MetricsCsv implements TrainingListener {
    public static final String HEADER = "epoch,step,lr,train_loss,train_labels_loss,train_distance_loss,val_loss,"
            + "val_labels_loss,val_distance_loss,seconds";

    private final Path file;
    private final OutputSink outputs;
    private List<String> rows = List.of();

    public MetricsCsv(Path file, OutputSink outputs) {
        this.file = file;
        this.outputs = outputs;
    }

    /** The rows written last (no header): this run's epochs and the earlier ones of a resumed run. */
    public List<String> rows() {
        return rows;
    }

    @Override
    public void onEpoch(Trainer trainer, Trainer.EpochEnd epoch) {
        write(epoch.metrics(), epoch.validated());
    }

    /** The stopped epoch's row: its training losses so far (the non-finite one included) and its validation. */
    @Override
    public void onStopped(Trainer trainer, Trainer.EpochMetrics partial, boolean validated) {
        write(partial, validated);
    }

    private void write(Trainer.EpochMetrics m, boolean validated) {
        List<String> lines = new ArrayList<>();
        lines.add(HEADER);
        try {
            if (Files.isRegularFile(file)) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (line.isEmpty() || line.startsWith("epoch")) {
                        continue;
                    }
                    int e = Integer.parseInt(line.substring(0, line.indexOf(',')));
                    if (e < m.epoch()) {
                        lines.add(line);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new CryosiamUserException(file + ": cannot read the metrics log (" + e.getMessage() + ")");
        }
        lines.add(String.format(Locale.ROOT, "%d,%d,%.8g,%.6f,%.6f,%.6f,%s,%s,%s,%.2f", m.epoch(), m.step(), m.lr(),
                m.trainLoss(), m.trainLabels(), m.trainDistance(), num(m.valLoss(), validated),
                num(m.valLabels(), validated), num(m.valDistance(), validated), m.seconds()));
        AtomicFile.write(file, tmp -> Files.write(tmp, lines, StandardCharsets.UTF_8), outputs);
        rows = List.copyOf(lines.subList(1, lines.size()));
    }

    /** A validation number, empty when the epoch was not validated ("NaN" when it was and gave NaN). */
    private static String num(double v, boolean validated) {
        return validated ? String.format(Locale.ROOT, "%.6f", v) : "";
    }
}
