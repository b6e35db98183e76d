package org.cryosiam.train.listener;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.cryosiam.io.OutputSink;

import org.cryosiam.train.Trainer;
import org.cryosiam.train.TrainingListener;
import org.cryosiam.viz.LineChart;

/**
 * {@code log_dir/loss_curves.png}, redrawn after every epoch from the rows of the {@link MetricsCsv} (which must be
 * told of the epoch first).
 */
public final class LossCurvePlot implements TrainingListener {
    public static final int PNG_WIDTH = 900;
    public static final int PNG_HEIGHT = 560;

    private final Path png;
    private final MetricsCsv metrics;
    private final OutputSink outputs;

    public LossCurvePlot(Path png, MetricsCsv metrics, OutputSink outputs) {
        this.png = png;
        this.metrics = metrics;
        this.outputs = outputs;
    }

    @Override
    public void onEpoch(Trainer trainer, Trainer.EpochEnd epoch) {
        write(png, metrics.rows(), outputs);
    }

    /**
     * The plot of metrics rows: training and validation loss per epoch (solid), their labels and distance components
     * (dashed), 900 × 560.
     */
    public static void write(Path png, List<String> rows, OutputSink outputs) {
        int n = rows.size();
        double[] epoch = new double[n];
        double[][] cols = new double[6][n];
        for (int i = 0; i < n; i++) {
            String[] f = rows.get(i).split(",", -1);
            epoch[i] = Integer.parseInt(f[0]) + 1;
            for (int c = 0; c < 6; c++) {
                cols[c][i] = f[3 + c].isEmpty() ? Double.NaN : Double.parseDouble(f[3 + c]);
            }
        }
        LineChart chart = new LineChart("Loss per epoch", "epoch", "loss", epoch).integerX()
                .series("train loss", cols[0], 2, false)
                .series("val loss", cols[3], 0, false);
        if (Arrays.stream(cols[2]).anyMatch(v -> v != 0) || Arrays.stream(cols[5]).anyMatch(v -> v != 0)) {
            chart.series("train labels", cols[1], 13, true)
                    .series("val labels", cols[4], 10, true)
                    .series("train distance", cols[2], 8, true)
                    .series("val distance", cols[5], 14, true);
        }
        chart.writePng(png, PNG_WIDTH, PNG_HEIGHT, outputs);
    }
}
