package org.cryosiam.train;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.checkpoint.CheckpointWriter;
import org.cryosiam.checkpoint.Tensor;
import org.cryosiam.io.AtomicFile;
import org.cryosiam.nn.Module;
import org.cryosiam.nn.Network;
import org.cryosiam.nn.Param;
import org.cryosiam.viz.LineChart;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

/**
 * The reference's dense training loop ({@code SemanticSegmentationModule}; the denoising and instance modules differ
 * only in heads, targets and losses, see {@link Task}) under Lightning's schedule, on one device:
 * epochs of shuffled batches ({@code drop_last}), forward and backward in training mode, the optimiser step with the
 * one-cycle learning rate and momentum of the step, validation (inference mode, no augmentation) every
 * {@code val_interval} epochs, {@code model_best.ckpt} (lowest validation loss) and {@code last.ckpt} after every
 * epoch, a metrics CSV row per epoch. Batches are assembled and augmented on another thread while the network
 * trains on the previous one.
 *
 * <p>Semantic loss per batch = labels loss (BCE-with-logits for one class, else cross-entropy; plus the generalised Dice loss
 * when {@code use_dice_loss}) + the MSE of {@code tanh(distance)} against the distance target when
 * {@code distance_prediction}.
 */
public final class Trainer {
    /** What to train and how; the YAML's values. */
    public record Settings(int outChannels, boolean useDice, boolean distancePrediction, Freeze freeze,
            Optimizer.Kind optimizer, double lr, double momentum, double weightDecay, int batchSize, int maxEpochs,
            int valInterval, double dataMean, double dataStd, Augment.Spec augment, long seed) {
    }

    /**
     * What the heads learn. {@code SEMANTIC}: the sample's labels are classes, its distance maps per class (above).
     * {@code DENOISE} ({@code CNNHead}): the sample's one distance channel holds the clean image, the loss is the MSE
     * of the {@code denoise} output against it. {@code INSTANCE} ({@code InstanceHeads}, as the reference's
     * {@code InstanceSegmentationModule}): the labels are instance ids, the distance channel the signed distance to the
     * instance border clipped to ±5; loss = BCE-with-logits of {@code foreground} against {@code ids > 0} + MSE of the
     * raw {@code distance} + BCE-with-logits of {@code boundary} against {@link InstanceTargets#boundaries}.
     */
    public enum Task {
        SEMANTIC, DENOISE, INSTANCE
    }

    /** Which parameters train ({@code unfreeze_backbone}, else {@code unfreeze_decoder}, else the heads only). */
    public enum Freeze {
        NONE, ENCODER, BACKBONE
    }

    /** Where training resumes: the epoch to start, the optimiser step reached, the best validation loss so far. */
    public record Resume(int startEpoch, long globalStep, double bestValLoss, Map<?, ?> optimizerState) {
        public static Resume fresh() {
            return new Resume(0, 0, Double.POSITIVE_INFINITY, null);
        }
    }

    /** One epoch's numbers, as written to the metrics CSV. */
    public record EpochMetrics(int epoch, long step, double lr, double trainLoss, double trainLabels,
            double trainDistance, double valLoss, double valLabels, double valDistance, double seconds) {
    }

    /** A batch prepared on the loader thread. */
    private record Batch(int n, int channels, int nz, int ny, int nx, float[] images, float[] target, float[] dist,
            double[][] groundSums, float[] boundaries) {
    }

    private final Settings s;
    private final Network net;
    private final Map<String, Object> hyperParameters;
    private final Map<String, Tensor> carried;
    private final Path logDir;
    private final Optimizer optimizer;
    private final List<String> paramOrder;
    private Task task = Task.SEMANTIC;
    private Consumer<String> log = m -> { };
    private PrintStream progress;

    public Trainer(Settings s, Network net, Map<String, Object> hyperParameters, Map<String, Tensor> carried,
            Path logDir) {
        this.s = s;
        this.net = net;
        this.hyperParameters = hyperParameters;
        this.carried = carried;
        this.logDir = logDir;
        Map<String, Param> all = net.root().learnableParameters();
        Map<String, Param> trained = new LinkedHashMap<>();
        for (Module.Entry e : net.root().stateEntries()) {
            if (e.param().isBuffer() || !e.required() || !all.containsKey(e.name())) {
                continue;
            }
            String n = e.name();
            boolean head = n.startsWith("_model.");
            boolean encoder = n.startsWith("_model_backbone.encoder.");
            if (head || s.freeze() == Freeze.NONE || (s.freeze() == Freeze.ENCODER && !encoder)) {
                trained.put(n, e.param());
            }
        }
        // PyTorch's parameter list of the reference's optimiser: backbone + heads, or the heads alone when frozen
        paramOrder = new ArrayList<>();
        for (String n : all.keySet()) {
            if (s.freeze() != Freeze.BACKBONE || n.startsWith("_model.")) {
                paramOrder.add(n);
            }
        }
        this.optimizer = new Optimizer(s.optimizer(), s.weightDecay(), paramOrder, trained, net.manager());
    }

    /** The task of the heads ({@link Task#SEMANTIC} unless set). */
    public Trainer task(Task task) {
        this.task = task;
        return this;
    }

    public Trainer onLog(Consumer<String> log, PrintStream progress) {
        this.log = log;
        this.progress = progress;
        return this;
    }

    private int stopAfter = Integer.MAX_VALUE;

    /** Ends this run after epoch {@code epochs} (1-based count) even when max_epochs is later: an interruption. */
    public Trainer stopAfter(int epochs) {
        this.stopAfter = epochs;
        return this;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    /** Batches per epoch ({@code drop_last}). */
    public int stepsPerEpoch(int trainSize) {
        return trainSize / s.batchSize();
    }

    /**
     * Trains from {@code resume} to {@code max_epochs}; returns the metrics of the epochs run.
     */
    public List<EpochMetrics> run(List<Sample> train, List<Sample> val, Resume resume) {
        int perEpoch = stepsPerEpoch(train.size());
        if (perEpoch == 0) {
            throw new CryosiamUserException("there are " + train.size() + " training patches, fewer than one batch of "
                    + s.batchSize() + " (hyper_parameters.batch_size)");
        }
        OneCycle schedule = new OneCycle(s.lr(), (long) perEpoch * s.maxEpochs());
        if (resume.optimizerState() != null) {
            optimizer.load(resume.optimizerState(), "last.ckpt");
        }
        optimizer.attachGradients();
        long step = resume.globalStep();
        double best = resume.bestValLoss();
        List<EpochMetrics> out = new ArrayList<>();
        ExecutorService loader = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "training-batches");
            t.setDaemon(true);
            return t;
        });
        Engine engine = Engine.getEngine("PyTorch");
        try {
            for (int epoch = resume.startEpoch(); epoch < Math.min(s.maxEpochs(), stopAfter); epoch++) {
                long t0 = System.nanoTime();
                List<Integer> order = new ArrayList<>();
                for (int i = 0; i < train.size(); i++) {
                    order.add(i);
                }
                Collections.shuffle(order, new Random(s.seed() * 1_000_003L + epoch));
                final int ep = epoch;
                net.setTraining(true);
                double[] sums = new double[3];
                Future<Batch> next = loader.submit(() -> batch(train, order, 0, ep, true));
                for (int b = 0; b < perEpoch; b++) {
                    Batch batch = get(next);
                    if (b + 1 < perEpoch) {
                        final int nb = b + 1;
                        next = loader.submit(() -> batch(train, order, nb, ep, true));
                    }
                    double lr = schedule.lr(step);
                    double mom = s.optimizer() == Optimizer.Kind.SGD && s.momentum() == 0 ? 0 : schedule.momentum(step);
                    double[] l = trainStep(engine, batch);
                    optimizer.step(lr, mom);
                    step++;
                    for (int i = 0; i < 3; i++) {
                        sums[i] += l[i];
                    }
                    showProgress(epoch, b + 1, perEpoch, sums[0] / (b + 1), t0);
                }
                double[] v = {Double.NaN, Double.NaN, Double.NaN};
                boolean validated = !val.isEmpty() && (epoch + 1) % s.valInterval() == 0;
                if (validated) {
                    v = validate(val);
                }
                double secs = (System.nanoTime() - t0) / 1e9;
                EpochMetrics m = new EpochMetrics(epoch, step, schedule.lr(Math.min(step, schedule.totalSteps())),
                        sums[0] / perEpoch, sums[1] / perEpoch, sums[2] / perEpoch, v[0], v[1], v[2], secs);
                out.add(m);
                appendMetrics(m);
                boolean improved = validated && v[0] < best;
                if (improved) {
                    best = v[0];
                }
                Map<String, Object> ckpt = checkpoint(epoch, step, schedule, best);
                if (improved) {
                    CheckpointWriter.write(logDir.resolve("model").resolve("model_best.ckpt"), ckpt);
                }
                CheckpointWriter.write(logDir.resolve("model").resolve("last.ckpt"), ckpt);
                endProgress();
                log.accept(String.format(Locale.ROOT, "epoch %d/%d: train_loss %.4f%s, %.1f s (%.2f patches/s)%s",
                        epoch + 1, s.maxEpochs(), m.trainLoss(),
                        validated ? String.format(Locale.ROOT, ", val_loss %.4f", v[0]) : "", secs,
                        perEpoch * s.batchSize() / secs, improved ? ", best so far" : ""));
            }
        } finally {
            loader.shutdownNow();
            net.setTraining(false);
        }
        return out;
    }

    private static Batch get(Future<Batch> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Forward + backward of one batch; returns {total, labels, distance} losses. */
    private double[] trainStep(Engine engine, Batch b) {
        try (NDManager m = net.manager().newSubManager()) {
            NDArray x = input(m, b);
            double[] out;
            try (GradientCollector gc = engine.newGradientCollector()) {
                Map<String, NDArray> y = net.forward(x, m);
                NDArray[] l = losses(m, y, b);
                gc.backward(l[0]);
                out = new double[] {l[0].getFloat(), l[1].getFloat(), l[2] == null ? 0 : l[2].getFloat()};
            }
            return out;
        }
    }

    /** Mean losses over the validation batches, inference mode, no augmentation. */
    public double[] validate(List<Sample> val) {
        net.setTraining(false);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < val.size(); i++) {
            order.add(i);
        }
        double[] sums = new double[3];
        int n = 0;
        for (int start = 0; start < val.size(); start += s.batchSize()) {
            Batch b = batch(val, order, start / s.batchSize(), -1, false);
            try (NDManager m = net.manager().newSubManager()) {
                Map<String, NDArray> y = net.forward(input(m, b), m);
                NDArray[] l = losses(m, y, b);
                sums[0] += l[0].getFloat();
                sums[1] += l[1].getFloat();
                sums[2] += l[2] == null ? 0 : l[2].getFloat();
            }
            n++;
        }
        return new double[] {sums[0] / n, sums[1] / n, sums[2] / n};
    }

    private NDArray input(NDManager m, Batch b) {
        return m.create(b.images(), new Shape(b.n(), 1, b.nz(), b.ny(), b.nx())).toDevice(net.device(), false);
    }

    private NDArray[] losses(NDManager m, Map<String, NDArray> y, Batch b) {
        Shape shape = new Shape(b.n(), b.channels(), b.nz(), b.ny(), b.nx());
        if (task == Task.DENOISE) { // the clean image travels in the distance channel
            NDArray d = y.get("denoise").sub(m.create(b.dist(), shape).toDevice(net.device(), false));
            NDArray mse = d.mul(d).mean();
            return new NDArray[] {mse, mse, null};
        }
        NDArray target = m.create(b.target(), shape).toDevice(net.device(), false);
        if (task == Task.INSTANCE) {
            Shape one = new Shape(b.n(), 1, b.nz(), b.ny(), b.nx());
            NDArray boundary = m.create(b.boundaries(), one).toDevice(net.device(), false);
            NDArray labels = Losses.bceWithLogits(y.get("foreground"), target)
                    .add(Losses.bceWithLogits(y.get("boundary"), boundary));
            NDArray diff = y.get("distance").sub(m.create(b.dist(), one).toDevice(net.device(), false));
            NDArray d = diff.mul(diff).mean();
            return new NDArray[] {labels.add(d), labels, d};
        }
        NDArray logits = y.get("semantic");
        NDArray labels;
        NDArray probs;
        if (b.channels() == 1) {
            labels = Losses.bceWithLogits(logits, target);
            probs = s.useDice() ? logits.getNDArrayInternal().sigmoid() : null;
        } else {
            labels = Losses.crossEntropy(logits, target);
            probs = s.useDice() ? logits.softmax(1) : null;
        }
        if (s.useDice()) {
            labels = labels.add(Losses.generalizedDice(probs, target, b.groundSums()));
        }
        if (!s.distancePrediction()) {
            return new NDArray[] {labels, labels, null};
        }
        NDArray dist = m.create(b.dist(), shape).toDevice(net.device(), false);
        NDArray d = Losses.tanhMse(y.get("distance"), dist);
        return new NDArray[] {labels.add(d), labels, d};
    }

    /**
     * The {@code index}-th batch of {@code order}: augmented (training) or not, intensity-normalised, targets as
     * one-hot (or binary for one class) floats.
     */
    private Batch batch(List<Sample> data, List<Integer> order, int index, int epoch, boolean augment) {
        int from = index * s.batchSize();
        int to = Math.min(order.size(), from + s.batchSize());
        int n = to - from;
        Sample first = data.get(order.get(from));
        int v = first.voxels();
        int c = s.outChannels();
        float[] images = new float[n * v];
        float[] target = new float[n * c * v];
        float[] dist = new float[n * c * v];
        double[][] ground = new double[n][c];
        float[] boundaries = task == Task.INSTANCE ? new float[n * v] : null;
        for (int i = 0; i < n; i++) {
            int idx = order.get(from + i);
            Sample smp = data.get(idx);
            if (smp.voxels() != v || smp.channels() != c) {
                throw new CryosiamUserException(smp.name() + ": patch of a different size or class count than "
                        + first.name() + " (" + smp.nz() + "x" + smp.ny() + "x" + smp.nx() + ", " + smp.channels()
                        + " distance channels)");
            }
            if (augment) {
                smp = Augment.apply(smp, s.augment(), new Random(s.seed() * 31 + epoch * 1_000_003L + idx));
            }
            float[] img = smp.image().clone();
            Augment.normalize(img, s.dataMean(), s.dataStd());
            System.arraycopy(img, 0, images, i * v, v);
            System.arraycopy(smp.distances(), 0, dist, i * c * v, c * v);
            int[] lab = smp.labels();
            if (task == Task.DENOISE) {
                continue;
            }
            if (task == Task.INSTANCE) {
                for (int k = 0; k < v; k++) {
                    target[i * v + k] = lab[k] > 0 ? 1f : 0f;
                }
                float[] bd = InstanceTargets.boundaries(lab, smp.nz(), smp.ny(), smp.nx());
                System.arraycopy(bd, 0, boundaries, i * v, v);
                continue;
            }
            for (int k = 0; k < v; k++) {
                int cls;
                if (c == 1) {
                    cls = lab[k] > 0 ? 0 : -1;
                } else {
                    cls = lab[k];
                    if (cls < 0 || cls >= c) {
                        throw new CryosiamUserException(smp.name() + ": label " + cls + " outside 0.."
                                + (c - 1) + " (parameters.network.out_channels: " + c + ")");
                    }
                }
                if (cls >= 0) {
                    target[(i * c + cls) * v + k] = 1f;
                    ground[i][cls]++;
                }
            }
        }
        return new Batch(n, c, first.nz(), first.ny(), first.nx(), images, target, dist, ground, boundaries);
    }

    private Map<String, Object> checkpoint(int epoch, long step, OneCycle schedule, double best) {
        long pos = Math.min(step, schedule.totalSteps());
        double lr = schedule.lr(pos);
        double mom = schedule.momentum(pos);
        Map<String, Object> callbacks = new LinkedHashMap<>();
        Map<String, Object> mc = new LinkedHashMap<>();
        mc.put("monitor", "val_loss");
        mc.put("best_model_score", Double.isInfinite(best) ? null : best);
        mc.put("best_model_path", Double.isInfinite(best) ? ""
                : logDir.resolve("model").resolve("model_best.ckpt").toString());
        mc.put("last_model_path", logDir.resolve("model").resolve("last.ckpt").toString());
        callbacks.put("ModelCheckpoint{'monitor': 'val_loss', 'mode': 'min', 'every_n_train_steps': 0, "
                + "'every_n_epochs': " + s.valInterval() + ", 'train_time_interval': None}", mc);
        return CheckpointWriter.lightning(TaskModel.stateDict(net, carried), hyperParameters, epoch, step,
                List.of(optimizer.stateDict(lr, mom, schedule)),
                List.of(schedule.stateDict(pos, s.optimizer() != Optimizer.Kind.SGD)), callbacks);
    }

    static final String METRICS_HEADER = "epoch,step,lr,train_loss,train_labels_loss,train_distance_loss,val_loss,"
            + "val_labels_loss,val_distance_loss,seconds";

    /** Appends one row to {@code log_dir/metrics.csv}, dropping rows of this epoch and later (a resumed run). */
    private void appendMetrics(EpochMetrics m) {
        Path f = logDir.resolve("metrics.csv");
        List<String> lines = new ArrayList<>();
        lines.add(METRICS_HEADER);
        try {
            if (Files.isRegularFile(f)) {
                for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
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
            throw new CryosiamUserException(f + ": cannot read the metrics log (" + e.getMessage() + ")");
        }
        lines.add(String.format(Locale.ROOT, "%d,%d,%.8g,%.6f,%.6f,%.6f,%s,%s,%s,%.2f", m.epoch(), m.step(), m.lr(),
                m.trainLoss(), m.trainLabels(), m.trainDistance(), num(m.valLoss()), num(m.valLabels()),
                num(m.valDistance()), m.seconds()));
        AtomicFile.write(f, tmp -> Files.write(tmp, lines, StandardCharsets.UTF_8));
        writeLossCurves(logDir.resolve("loss_curves.png"), lines.subList(1, lines.size()));
    }

    /**
     * {@code log_dir/loss_curves.png} from the metrics rows: training and validation loss per epoch (solid), their
     * labels and distance components (dashed), 900 × 560.
     */
    static void writeLossCurves(Path png, List<String> rows) {
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
        chart.writePng(png, PNG_WIDTH, PNG_HEIGHT);
    }

    static final int PNG_WIDTH = 900;
    static final int PNG_HEIGHT = 560;

    private static String num(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6f", v);
    }

    private long lastDraw;

    private void showProgress(int epoch, int done, int total, double loss, long t0) {
        if (progress == null) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastDraw < 250_000_000L && done < total) {
            return;
        }
        lastDraw = now;
        double elapsed = (now - t0) / 1e9;
        double eta = elapsed / done * (total - done);
        progress.print(String.format(Locale.ROOT, "\repoch %d/%d [%d/%d] loss %.4f, ETA %s\u001b[K", epoch + 1,
                s.maxEpochs(), done, total, loss, clock(eta)));
        progress.flush();
    }

    private void endProgress() {
        if (progress != null) {
            progress.print("\r\u001b[K");
            progress.flush();
        }
    }

    static String clock(double seconds) {
        long t = Math.round(seconds);
        return t >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", t / 3600, t / 60 % 60, t % 60)
                : String.format(Locale.ROOT, "%d:%02d", t / 60, t % 60);
    }
}
