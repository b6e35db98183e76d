package org.cryosiam.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.Interrupts;
import org.cryosiam.nn.Module;
import org.cryosiam.nn.Network;
import org.cryosiam.nn.Param;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

/**
 * The reference's dense training loop ({@code SemanticSegmentationModule}; the denoising and instance modules differ
 * only in heads, targets and losses, the {@link TrainingTask} of the settings) under Lightning's schedule, on one
 * device: epochs of shuffled batches ({@code drop_last}), forward and backward in training mode, the optimiser step
 * with the one-cycle learning rate and momentum of the step, validation (inference mode, no augmentation) every
 * {@code val_interval} epochs, keeping track of the lowest validation loss. Batches are assembled and augmented on
 * another thread while the network trains on the previous one.
 *
 * <p>What happens with the results — the metrics CSV, the loss-curve plot, {@code model_best.ckpt} and
 * {@code last.ckpt}, the console progress — is up to the {@link TrainingListener}s, told after every batch and epoch
 * in the order they were added ({@link TrainingListener#defaults} for the usual set).
 */
public final class Trainer {
    /**
     * What to train and how; the YAML's values, in named groups.
     *
     * @param task         the heads' targets and losses
     * @param freeze       which parameters train
     * @param optimization the optimiser and its values
     * @param schedule     batches and epochs
     * @param data         what the patches hold and their normalisation and augmentation
     * @param seed         the seed of the shuffling and augmentation
     */
    public record Settings(TrainingTask task, Freeze freeze, Optimization optimization, Schedule schedule, Data data,
            long seed) {
    }

    /** {@code hyper_parameters.optimizer}, {@code lr}, {@code momentum} and {@code weight_decay}. */
    public record Optimization(Optimizer.Kind kind, double lr, double momentum, double weightDecay) {
    }

    /** {@code hyper_parameters.batch_size}, {@code max_epochs} and {@code val_interval}. */
    public record Schedule(int batchSize, int maxEpochs, int valInterval) {
    }

    /**
     * The patches: {@code channels} target and distance channels each ({@code parameters.network.out_channels} of a
     * semantic model, else 1), the intensity normalisation ({@code parameters.data.mean}, {@code std}) and the
     * augmentation of training batches.
     */
    public record Data(int channels, double mean, double std, Augment.Spec augment) {
    }

    /** Which heads a dense model has (the {@link TrainingTask}s: {@link TrainingTask#of}). */
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

    /**
     * A training batch done: {@code batch} of {@code batches} (1-based) of {@code epoch} (0-based), the mean training
     * loss of the epoch so far, and when the epoch started ({@link System#nanoTime}).
     */
    public record BatchEnd(int epoch, int batch, int batches, double meanLoss, long epochStart) {
    }

    /**
     * An epoch done: its metrics, whether it was validated and improved on the best validation loss, the best
     * validation loss so far (infinite before any validation), the steps per epoch and the learning-rate schedule.
     */
    public record EpochEnd(EpochMetrics metrics, boolean validated, boolean improved, double bestValLoss,
            int batches, OneCycle schedule) {
    }

    private final Settings s;
    private final Network net;
    private final Optimizer optimizer;
    private final List<String> paramOrder;
    private final List<TrainingListener> listeners = new ArrayList<>();

    public Trainer(Settings s, Network net) {
        this.s = s;
        this.net = net;
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
        Optimization o = s.optimization();
        this.optimizer = new Optimizer(o.kind(), o.weightDecay(), paramOrder, trained, net.manager());
    }

    /** Adds listeners, told of every batch and epoch after those added before. */
    public Trainer listeners(List<? extends TrainingListener> added) {
        listeners.addAll(added);
        return this;
    }

    /** {@link #listeners(List)} of one. */
    public Trainer listener(TrainingListener added) {
        listeners.add(added);
        return this;
    }

    private int stopAfter = Integer.MAX_VALUE;

    /** Ends this run after epoch {@code epochs} (1-based count) even when max_epochs is later: an interruption. */
    public Trainer stopAfter(int epochs) {
        this.stopAfter = epochs;
        return this;
    }

    public Settings settings() {
        return s;
    }

    public Network network() {
        return net;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    /** Batches per epoch ({@code drop_last}). */
    public int stepsPerEpoch(int trainSize) {
        return trainSize / s.schedule().batchSize();
    }

    /**
     * Trains from {@code resume} to {@code max_epochs}; returns the metrics of the epochs run.
     */
    public List<EpochMetrics> run(List<Sample> train, List<Sample> val, Resume resume) {
        int perEpoch = stepsPerEpoch(train.size());
        Schedule sched = s.schedule();
        if (perEpoch == 0) {
            throw new CryosiamUserException("there are " + train.size() + " training patches, fewer than one batch of "
                    + sched.batchSize() + " (hyper_parameters.batch_size)");
        }
        OneCycle schedule = new OneCycle(s.optimization().lr(), (long) perEpoch * sched.maxEpochs());
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
        boolean sgdWithoutMomentum = s.optimization().kind() == Optimizer.Kind.SGD && s.optimization().momentum() == 0;
        try {
            for (int epoch = resume.startEpoch(); epoch < Math.min(sched.maxEpochs(), stopAfter); epoch++) {
                long t0 = System.nanoTime();
                List<Integer> order = new ArrayList<>();
                for (int i = 0; i < train.size(); i++) {
                    order.add(i);
                }
                Collections.shuffle(order, new Random(s.seed() * 1_000_003L + epoch));
                final int ep = epoch;
                net.setTraining(true);
                double[] sums = new double[3];
                Future<TrainingBatch> next = loader.submit(() -> batch(train, order, 0, ep, true));
                for (int b = 0; b < perEpoch; b++) {
                    int batches = b;
                    // a safe point for SIGINT/SIGTERM: between optimiser steps (the checkpoints keep the last epoch)
                    Interrupts.check(() -> String.format(Locale.ROOT, "%d/%d batches of epoch %d/%d", batches,
                            perEpoch, ep + 1, sched.maxEpochs()));
                    TrainingBatch batch = get(next);
                    if (b + 1 < perEpoch) {
                        final int nb = b + 1;
                        next = loader.submit(() -> batch(train, order, nb, ep, true));
                    }
                    double lr = schedule.lr(step);
                    double mom = sgdWithoutMomentum ? 0 : schedule.momentum(step);
                    StepResult r = trainStep(engine, batch);
                    for (int i = 0; i < 3; i++) {
                        sums[i] += r.losses()[i];
                    }
                    if (r.failure() != null) { // stop before the step: the weights stay finite
                        EpochMetrics partial = new EpochMetrics(epoch, step + 1, lr, sums[0] / (b + 1),
                                sums[1] / (b + 1), sums[2] / (b + 1), Double.NaN, Double.NaN, Double.NaN,
                                (System.nanoTime() - t0) / 1e9);
                        throw stop(partial, false, String.format(Locale.ROOT, "training stopped at epoch %d, step %d "
                                + "(batch %d of %d): %s", epoch + 1, step + 1, b + 1, perEpoch, r.failure()));
                    }
                    optimizer.step(lr, mom);
                    step++;
                    BatchEnd done = new BatchEnd(epoch, b + 1, perEpoch, sums[0] / (b + 1), t0);
                    for (TrainingListener listener : listeners) {
                        listener.onBatch(this, done);
                    }
                }
                double[] v = {Double.NaN, Double.NaN, Double.NaN};
                boolean validated = !val.isEmpty() && (epoch + 1) % sched.valInterval() == 0;
                if (validated) {
                    v = validate(val);
                }
                double secs = (System.nanoTime() - t0) / 1e9;
                EpochMetrics m = new EpochMetrics(epoch, step, schedule.lr(Math.min(step, schedule.totalSteps())),
                        sums[0] / perEpoch, sums[1] / perEpoch, sums[2] / perEpoch, v[0], v[1], v[2], secs);
                String badValidation = validated ? nonFinite(v) : null;
                if (badValidation != null) {
                    throw stop(m, true, String.format(Locale.ROOT, "training stopped after epoch %d (step %d): its "
                            + "validation gave %s", epoch + 1, step, badValidation));
                }
                out.add(m);
                boolean improved = validated && v[0] < best;
                if (improved) {
                    best = v[0];
                }
                EpochEnd done = new EpochEnd(m, validated, improved, best, perEpoch, schedule);
                for (TrainingListener listener : listeners) {
                    listener.onEpoch(this, done);
                }
            }
            for (TrainingListener listener : listeners) {
                listener.onTrainingEnd(this);
            }
        } finally {
            loader.shutdownNow();
            net.setTraining(false);
            for (TrainingListener listener : listeners) {
                listener.onRunEnd(this);
            }
        }
        return out;
    }

    private static TrainingBatch get(Future<TrainingBatch> f) {
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

    /**
     * The losses {total, labels, distance} of one batch, and why its step must not be taken (null when every loss
     * term and every gradient is finite).
     */
    private record StepResult(double[] losses, String failure) {
    }

    /** Forward + backward of one batch, with the check that its losses and gradients are finite. */
    private StepResult trainStep(Engine engine, TrainingBatch b) {
        try (NDManager m = net.manager().newSubManager()) {
            NDArray x = input(m, b);
            double[] out;
            try (GradientCollector gc = engine.newGradientCollector()) {
                Map<String, NDArray> y = net.forward(x, m);
                NDArray[] l = s.task().losses(m, net.device(), y, b);
                out = new double[] {l[0].getFloat(), l[1].getFloat(), l[2] == null ? 0 : l[2].getFloat()};
                String badLoss = nonFinite(out);
                if (badLoss != null) {
                    return new StepResult(out, badLoss);
                }
                gc.backward(l[0]);
            }
            String bad = NonFinite.gradient(optimizer.trained(), m);
            return new StepResult(out, bad == null ? null : String.format(Locale.ROOT, "%s (labels %.6f, distance "
                    + "%.6f)", bad, out[1], out[2]));
        }
    }

    /** Names the non-finite term of {total, labels, distance} losses, or null. */
    private static String nonFinite(double[] losses) {
        return NonFinite.loss(losses, "total loss", "labels loss", "distance loss");
    }

    /**
     * Ends training on a non-finite loss or gradient: the listeners record what happened ({@code metrics.csv}),
     * no checkpoint is written; the failure to throw, with {@code reason}.
     */
    private TrainingDiverged stop(EpochMetrics partial, boolean validated, String reason) {
        for (TrainingListener listener : listeners) {
            listener.onStopped(this, partial, validated);
        }
        return new TrainingDiverged(reason + "; the checkpoints keep the last finite state (lower "
                + "hyper_parameters.lr or check the patches).");
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
        int batchSize = s.schedule().batchSize();
        for (int start = 0; start < val.size(); start += batchSize) {
            int done = start;
            Interrupts.check(() -> done + "/" + val.size() + " validation patches");
            TrainingBatch b = batch(val, order, start / batchSize, -1, false);
            try (NDManager m = net.manager().newSubManager()) {
                Map<String, NDArray> y = net.forward(input(m, b), m);
                NDArray[] l = s.task().losses(m, net.device(), y, b);
                sums[0] += l[0].getFloat();
                sums[1] += l[1].getFloat();
                sums[2] += l[2] == null ? 0 : l[2].getFloat();
            }
            n++;
        }
        return new double[] {sums[0] / n, sums[1] / n, sums[2] / n};
    }

    private NDArray input(NDManager m, TrainingBatch b) {
        return m.create(b.images(), new Shape(b.n(), 1, b.nz(), b.ny(), b.nx())).toDevice(net.device(), false);
    }

    /**
     * The {@code index}-th batch of {@code order}: augmented (training) or not, intensity-normalised, the targets of
     * the task.
     */
    private TrainingBatch batch(List<Sample> data, List<Integer> order, int index, int epoch, boolean augment) {
        int batchSize = s.schedule().batchSize();
        Data d = s.data();
        int from = index * batchSize;
        int to = Math.min(order.size(), from + batchSize);
        int n = to - from;
        Sample first = data.get(order.get(from));
        int v = first.voxels();
        int c = d.channels();
        TrainingBatch batch = new TrainingBatch(n, c, first.nz(), first.ny(), first.nx(), new float[n * v],
                new float[n * c * v], new float[n * c * v], new double[n][c],
                s.task().needsBoundaries() ? new float[n * v] : null);
        for (int i = 0; i < n; i++) {
            int idx = order.get(from + i);
            Sample smp = data.get(idx);
            if (smp.voxels() != v || smp.channels() != c) {
                throw new CryosiamUserException(smp.name() + ": patch of a different size or class count than "
                        + first.name() + " (" + smp.nz() + "x" + smp.ny() + "x" + smp.nx() + ", " + smp.channels()
                        + " distance channels)");
            }
            if (augment) {
                smp = Augment.apply(smp, d.augment(), new Random(s.seed() * 31 + epoch * 1_000_003L + idx));
            }
            float[] img = smp.image().clone();
            Augment.normalize(img, d.mean(), d.std());
            System.arraycopy(img, 0, batch.images(), i * v, v);
            System.arraycopy(smp.distances(), 0, batch.dist(), i * c * v, c * v);
            s.task().addTargets(smp, i, batch);
        }
        return batch;
    }
}
