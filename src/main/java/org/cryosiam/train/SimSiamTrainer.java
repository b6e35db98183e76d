package org.cryosiam.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

import org.cryosiam.Interrupts;
import org.cryosiam.nn.Network;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

/**
 * Self-supervised training of a SimSiam subtomogram model (Chen and He, 2021, as the reference's {@code SimSiam}):
 * two augmented views of each subtomogram, {@code z = encoder(view)}, {@code p = normalize(predictor(z))}, loss
 * {@code −(cos(p1, sg(z2)) + cos(p2, sg(z1))) / 2} with {@code sg} the stop-gradient; AdamW under the one-cycle
 * schedule. Each view is drawn from {@link Augment} with its own random numbers.
 */
public final class SimSiamTrainer {
    /** What to train: optimiser values, batch size, epochs, the augmentation of the views, the normalisation. */
    public record Settings(double lr, double weightDecay, int batchSize, int epochs, double dataMean,
            double dataStd, Augment.Spec augment, long seed) {
    }

    private final Settings s;
    private final Network net;
    private final Optimizer optimizer;

    public SimSiamTrainer(Settings s, Network net) {
        this.s = s;
        this.net = net;
        Map<String, org.cryosiam.nn.Param> all = net.root().learnableParameters();
        optimizer = new Optimizer(Optimizer.Kind.ADAMW, s.weightDecay(), new ArrayList<>(all.keySet()), all,
                net.manager());
    }

    /**
     * Trains on {@code cubes} (each {@code patch³} values in (z, y, x) order, already scaled to the model's intensity
     * range) and returns the mean loss per epoch.
     */
    public List<Double> run(List<float[]> cubes, int patch, Consumer<String> log) {
        int perEpoch = cubes.size() / s.batchSize();
        if (perEpoch == 0) {
            throw new IllegalArgumentException(cubes.size() + " subtomograms, fewer than one batch");
        }
        OneCycle schedule = new OneCycle(s.lr(), (long) perEpoch * s.epochs());
        optimizer.attachGradients();
        Engine engine = Engine.getEngine("PyTorch");
        List<Double> losses = new ArrayList<>();
        long step = 0;
        net.setTraining(true);
        try {
            for (int epoch = 0; epoch < s.epochs(); epoch++) {
                long t0 = System.nanoTime();
                List<Integer> order = new ArrayList<>();
                for (int i = 0; i < cubes.size(); i++) {
                    order.add(i);
                }
                Collections.shuffle(order, new Random(s.seed() * 1_000_003L + epoch));
                double sum = 0;
                for (int b = 0; b < perEpoch; b++) {
                    int ep = epoch;
                    int batches = b;
                    Interrupts.check(() -> String.format(Locale.ROOT, "%d/%d batches of embedding epoch %d/%d",
                            batches, perEpoch, ep + 1, s.epochs()));
                    Random r = new Random(s.seed() * 31 + epoch * 1_000_003L + b);
                    float[] v1 = views(cubes, order, b, patch, r);
                    float[] v2 = views(cubes, order, b, patch, r);
                    double loss = step(engine, v1, v2, patch);
                    sum += loss;
                    String bad = Double.isFinite(loss) ? NonFinite.gradient(optimizer.trained(), net.manager())
                            : "a loss of " + loss;
                    if (bad != null) { // before the step: the weights stay finite
                        throw new TrainingDiverged(String.format(Locale.ROOT, "embedding training stopped at epoch "
                                + "%d, step %d (batch %d of %d): %s; lower the learning rate.", epoch + 1, step + 1,
                                b + 1, perEpoch, bad));
                    }
                    optimizer.step(schedule.lr(step), schedule.momentum(step));
                    step++;
                }
                double mean = sum / perEpoch;
                losses.add(mean);
                log.accept(String.format(Locale.ROOT, "embeddings epoch %d/%d: loss %.4f, %.1f s", epoch + 1,
                        s.epochs(), mean, (System.nanoTime() - t0) / 1e9));
            }
        } finally {
            net.setTraining(false);
        }
        return losses;
    }

    private float[] views(List<float[]> cubes, List<Integer> order, int batch, int patch, Random r) {
        int v = patch * patch * patch;
        float[] out = new float[s.batchSize() * v];
        for (int i = 0; i < s.batchSize(); i++) {
            float[] cube = cubes.get(order.get(batch * s.batchSize() + i));
            Sample view = Augment.apply(new Sample("view", cube, new int[v], new float[0], 0, patch, patch, patch),
                    s.augment(), r);
            float[] img = view.image();
            Augment.normalize(img, s.dataMean(), s.dataStd());
            System.arraycopy(img, 0, out, i * v, v);
        }
        return out;
    }

    private double step(Engine engine, float[] v1, float[] v2, int patch) {
        try (NDManager m = net.manager().newSubManager()) {
            Shape shape = new Shape(s.batchSize(), 1, patch, patch, patch);
            NDArray x1 = m.create(v1, shape).toDevice(net.device(), false);
            NDArray x2 = m.create(v2, shape).toDevice(net.device(), false);
            try (GradientCollector gc = engine.newGradientCollector()) {
                Map<String, NDArray> y1 = net.forward(x1, m);
                Map<String, NDArray> y2 = net.forward(x2, m);
                NDArray loss = negativeCosine(y1.get("p"), y2.get("z"))
                        .add(negativeCosine(y2.get("p"), y1.get("z"))).div(2f);
                float value = loss.getFloat();
                if (Float.isFinite(value)) {
                    gc.backward(loss);
                }
                return value;
            }
        }
    }

    /** {@code −mean(cos(p, sg(z)))} over the batch; {@code p} is already unit length. */
    static NDArray negativeCosine(NDArray p, NDArray z) {
        NDArray zn = z.stopGradient().normalize(2, 1, 1e-12);
        return p.mul(zn).sum(new int[] {1}).mean().neg();
    }
}
