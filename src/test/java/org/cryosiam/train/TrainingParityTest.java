package org.cryosiam.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.cryosiam.checkpoint.CheckpointWriter;
import org.cryosiam.checkpoint.CheckpointWriterTest;
import org.cryosiam.checkpoint.DType;
import org.cryosiam.checkpoint.Tensor;
import org.cryosiam.nn.Network;
import org.cryosiam.nn.Networks;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Training step by step against the reference's maths in PyTorch (Debian's python3-torch as the independent
 * checker): the same initial head weights, the same batch (augmentation off) and the backbone's dense features
 * {@code z} for it (the backbone frozen, {@code unfreeze_backbone: false, unfreeze_decoder: false}); PyTorch builds
 * the reference's {@code SemanticHeads}, its loss (cross-entropy + MONAI 1.3 {@code GeneralizedDiceLoss} written
 * out, since MONAI has no Debian package + MSE of {@code tanh(distance)}), {@code torch.optim.AdamW} or {@code SGD}
 * with momentum, and {@code OneCycleLR} over the run's steps; the same for the denoising head (MSE against the clean
 * image) and the instance heads (BCE of foreground and boundaries, MSE of the distance) of {@code train_demo_models}. The loss of every step and every head tensor (weights
 * and BatchNorm statistics) after 1, 2 and 10 steps agree within 1e-4 of the tensor's largest magnitude (with Adam,
 * all but the convolution biases that BatchNorm cancels: see below).
 */
class TrainingParityTest {
    static final int P = 16;
    static final int STEPS = 10;

    /** The trainings compared: the semantic heads with either optimiser, the denoising and instance heads. */
    enum Case {
        SEMANTIC_ADAMW(Trainer.Task.SEMANTIC, Optimizer.Kind.ADAMW),
        SEMANTIC_SGD(Trainer.Task.SEMANTIC, Optimizer.Kind.SGD),
        DENOISE_ADAMW(Trainer.Task.DENOISE, Optimizer.Kind.ADAMW),
        INSTANCE_ADAMW(Trainer.Task.INSTANCE, Optimizer.Kind.ADAMW);

        final Trainer.Task task;
        final Optimizer.Kind kind;

        Case(Trainer.Task task, Optimizer.Kind kind) {
            this.task = task;
            this.kind = kind;
        }
    }

    @ParameterizedTest
    @EnumSource(Case.class)
    void stepsMatchTorch(Case c, @TempDir Path dir) {
        Optimizer.Kind kind = c.kind;
        Device cpu = Device.cpu();
        Map<String, Object> bb = GradientCheckTest.backboneConfig();
        Map<String, Tensor> backbone;
        try (Network random = Networks.randomBackbone(bb, cpu, 3)) {
            backbone = TaskModel.stateDict(random, Map.of());
        }
        Map<String, Object> config = GradientCheckTest.trainConfig();
        Map<String, Tensor> sd = TaskModel.initialStateDict("tiny", backbone, bb, config, c.task, 5);
        Map<String, Object> hp = TaskModel.hyperParameters(config, bb);
        int classes = c.task == Trainer.Task.SEMANTIC ? 3 : 1;
        Random r = new Random(21);
        List<Sample> train = c.task == Trainer.Task.SEMANTIC
                ? List.of(sample(r, "a", classes, false), sample(r, "b", classes, true))
                : List.of(TaskTrainingTest.ball(r, 0, c.task), TaskTrainingTest.ball(r, 1, c.task));
        double lr = kind == Optimizer.Kind.SGD ? 0.05 : 0.01;
        Trainer.Settings s = new Trainer.Settings(TrainingTask.of(c.task, true, true), Trainer.Freeze.BACKBONE,
                new Trainer.Optimization(kind, lr, 0.9, 1e-4), new Trainer.Schedule(2, STEPS, 1000),
                new Trainer.Data(classes, 0, 1, new Augment.Spec(null, null, null, null, false, false, null)), 7);

        // Java: 1, 2 and 10 steps (one batch an epoch), each from the same initial weights
        List<Trainer.EpochMetrics> full = null;
        Map<Integer, Map<String, Tensor>> after = new LinkedHashMap<>();
        for (int steps : new int[] {1, 2, STEPS}) {
            try (Network net = Networks.build("tiny", sd, hp, cpu, true)) {
                List<Trainer.EpochMetrics> m = new Trainer(s, net).stopAfter(steps).run(train, List.of(),
                        Trainer.Resume.fresh());
                after.put(steps, heads(TaskModel.stateDict(net, Map.of())));
                full = m;
            }
        }

        // the batch of each step in the trainer's shuffled order, and the frozen backbone's z for either order
        Map<String, Tensor> data = new LinkedHashMap<>();
        StringBuilder orders = new StringBuilder();
        for (int epoch = 0; epoch < STEPS; epoch++) {
            List<Integer> order = new ArrayList<>(List.of(0, 1));
            Collections.shuffle(order, new Random(s.seed() * 1_000_003L + epoch));
            orders.append(order.get(0));
        }
        try (Network net = Networks.build("tiny", sd, hp, cpu, true); NDManager m = NDManager.newBaseManager(cpu)) {
            net.setTraining(true); // the backbone's BatchNorms in training mode, as Lightning runs them
            for (int first = 0; first <= 1; first++) {
                float[] images = new float[2 * P * P * P];
                System.arraycopy(train.get(first).image(), 0, images, 0, P * P * P);
                System.arraycopy(train.get(1 - first).image(), 0, images, P * P * P, P * P * P);
                NDArray z = net.forward(m.create(images, new Shape(2, 1, P, P, P))).get("z");
                data.put("z" + first, tensor(z));
            }
        }
        for (int i = 0; i < 2; i++) {
            Sample smp = train.get(i);
            long[] labels = new long[smp.voxels()];
            for (int k = 0; k < labels.length; k++) {
                labels[k] = smp.labels()[k];
            }
            data.put("labels" + i, Tensor.ofLongs(new int[] {P, P, P}, labels));
            data.put("distances" + i, Tensor.ofFloats(new int[] {classes, P, P, P}, smp.distances()));
            data.put("boundaries" + i, Tensor.ofFloats(new int[] {1, P, P, P},
                    InstanceTargets.boundaries(smp.labels(), P, P, P)));
        }
        Path heads0 = dir.resolve("heads0.ckpt");
        Path batch = dir.resolve("batch.ckpt");
        CheckpointWriter.write(heads0, Map.of("state_dict", heads(sd)));
        CheckpointWriter.write(batch, data);
        Path out = dir.resolve("torch.ckpt");
        String optimizer = kind == Optimizer.Kind.SGD ? "torch.optim.SGD(params, lr, momentum=0.9, weight_decay=1e-4)"
                : "torch.optim.AdamW(params, lr, weight_decay=1e-4)";
        String losses = CheckpointWriterTest.python(String.join("\n",
                "import sys, torch, torch.nn as nn",
                "torch.manual_seed(0)",
                "sd = torch.load(sys.argv[1])['state_dict']",
                "data = torch.load(sys.argv[2])",
                "orders = [int(c) for c in sys.argv[3]]",
                "lr = float(sys.argv[4])",
                "def stack(name):",
                "    w0 = sd['_model.%s.0.weight' % name]; w1 = sd['_model.%s.3.weight' % name]",
                "    w2 = sd['_model.%s.6.weight' % name]",
                "    k = w0.shape[-1]",
                "    s = nn.Sequential(nn.Conv3d(w0.shape[1], w0.shape[0], k, padding=k // 2),",
                "        nn.BatchNorm3d(w0.shape[0]), nn.ReLU(), nn.Conv3d(w1.shape[1], w1.shape[0], k, padding=k // 2),",
                "        nn.BatchNorm3d(w1.shape[0]), nn.ReLU(), nn.Conv3d(w2.shape[1], w2.shape[0], k, padding=k // 2))",
                "    s.load_state_dict({k[len('_model.%s.' % name):]: v for k, v in sd.items()",
                "                       if k.startswith('_model.%s.' % name)})",
                "    return s.train()",
                "task = sys.argv[6]",
                "names = {'SEMANTIC': ['semantic_head', 'distance_head'], 'DENOISE': ['cnn_head'],",
                "         'INSTANCE': ['foreground_head', 'distance_head', 'boundary_head']}[task]",
                "heads = [stack(n) for n in names]",
                "params = [p for h in heads for p in h.parameters()]",
                "opt = " + optimizer,
                "sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=" + STEPS
                        + ", anneal_strategy='cos')",
                "def generalized_dice(logits, labels):  # MONAI 1.3, include_background, to_onehot_y, softmax, square",
                "    p = torch.softmax(logits, 1)",
                "    t = torch.nn.functional.one_hot(labels, p.shape[1]).permute(0, 4, 1, 2, 3).float()",
                "    axes = [2, 3, 4]",
                "    inter = (t * p).sum(axes); g = t.sum(axes); denom = g + p.sum(axes)",
                "    w = 1.0 / (g * g); infs = torch.isinf(w); w[infs] = 0.0",
                "    w = w + infs * w.max(dim=1)[0].unsqueeze(1)",
                "    numer = 2.0 * (inter * w).sum(1, keepdim=True) + 1e-5",
                "    den = (denom * w).sum(1, keepdim=True) + 1e-5",
                "    return (1.0 - numer / den).mean()",
                "out = {}; losses = []",
                "for step in range(" + STEPS + "):",
                "    a = orders[step]; b = 1 - a",
                "    z = data['z%d' % a]",
                "    labels = torch.stack([data['labels%d' % a], data['labels%d' % b]])",
                "    target = torch.stack([data['distances%d' % a], data['distances%d' % b]])",
                "    y = [h(z) for h in heads]",
                "    if task == 'SEMANTIC':  # the reference's SemanticSegmentationModule",
                "        loss = nn.CrossEntropyLoss()(y[0], labels) + generalized_dice(y[0], labels)",
                "        loss = loss + nn.MSELoss()(torch.tanh(y[1]), target)",
                "    elif task == 'DENOISE':  # CNNHead against the clean image",
                "        loss = nn.MSELoss()(y[0], target)",
                "    else:  # InstanceSegmentationModule: foreground and boundary BCE, raw distance MSE",
                "        border = torch.stack([data['boundaries%d' % a], data['boundaries%d' % b]])",
                "        fg = (labels > 0).float().unsqueeze(1)",
                "        bce = nn.BCEWithLogitsLoss()",
                "        loss = bce(y[0], fg) + bce(y[2], border) + nn.MSELoss()(y[1], target)",
                "    opt.zero_grad(); loss.backward(); opt.step(); sched.step()",
                "    losses.append('%.9g' % loss.item())",
                "    if step + 1 in (1, 2, " + STEPS + "):",
                "        for n, m in zip(names, heads):",
                "            for k, v in m.state_dict().items():",
                "                out['%d/_model.%s.%s' % (step + 1, n, k)] = v.clone()",
                "torch.save({'state_dict': out}, sys.argv[5])",
                "print(' '.join(losses))"), heads0.toString(), batch.toString(), orders.toString(),
                Double.toString(lr), out.toString(), c.task.name());

        String[] torchLosses = losses.trim().split(" ");
        assertEquals(STEPS, torchLosses.length);
        for (int i = 0; i < STEPS; i++) {
            double t = Double.parseDouble(torchLosses[i]);
            assertEquals(t, full.get(i).trainLoss(), 1e-4 * Math.abs(t), c + ": loss of step " + (i + 1));
        }
        Map<String, Tensor> torch = org.cryosiam.checkpoint.Checkpoint.load(out).stateDict();
        for (Map.Entry<Integer, Map<String, Tensor>> e : after.entrySet()) {
            for (Map.Entry<String, Tensor> w : e.getValue().entrySet()) {
                if (kind != Optimizer.Kind.SGD && w.getKey().matches(".*\\.(0\\.bias|3\\.bias|1\\.running_mean|"
                        + "4\\.running_mean)")) {
                    // a convolution's bias before a training-mode BatchNorm has a gradient of exactly 0 in theory,
                    // rounding noise (1e-9) in practice; Adam divides it by its own size and steps by ±lr either
                    // way, so its direction is the noise's on both sides, and the BatchNorm's running mean carries
                    // it (SGD steps by lr·noise: compared)
                    continue;
                }
                Tensor ref = torch.get(e.getKey() + "/" + w.getKey());
                assertTrue(ref != null, "torch has no " + w.getKey());
                double[] a = w.getValue().toDoubleArray();
                double[] b = ref.toDoubleArray();
                double scale = 1e-12;
                double worst = 0;
                for (int i = 0; i < a.length; i++) {
                    scale = Math.max(scale, Math.abs(b[i]));
                    worst = Math.max(worst, Math.abs(a[i] - b[i]));
                }
                assertTrue(worst <= 1e-4 * scale, c + ", after " + e.getKey() + " steps, " + w.getKey()
                        + ": off by " + worst + " of " + scale);
            }
        }
    }

    /** The head tensors of a state dict (weights and BatchNorm statistics). */
    private static Map<String, Tensor> heads(Map<String, Tensor> sd) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        sd.forEach((k, v) -> {
            if (k.startsWith("_model.") && (v.dtype() == DType.FLOAT32 || k.endsWith("num_batches_tracked"))) {
                out.put(k, v);
            }
        });
        return out;
    }

    private static Tensor tensor(NDArray a) {
        long[] s = a.getShape().getShape();
        int[] shape = new int[s.length];
        for (int i = 0; i < s.length; i++) {
            shape[i] = (int) s[i];
        }
        return Tensor.ofFloats(shape, a.toFloatArray());
    }

    /** A patch with blobs of classes 1..; class {@code classes − 1} only when {@code allClasses}. */
    private static Sample sample(Random r, String name, int classes, boolean allClasses) {
        int v = P * P * P;
        int[] labels = new int[v];
        float[] image = new float[v];
        int top = allClasses ? classes - 1 : classes - 2;
        for (int c = 1; c <= top; c++) {
            int cz = 3 + r.nextInt(10), cy = 3 + r.nextInt(10), cx = 3 + r.nextInt(10);
            for (int z = 0; z < P; z++) {
                for (int y = 0; y < P; y++) {
                    for (int x = 0; x < P; x++) {
                        if ((z - cz) * (z - cz) + (y - cy) * (y - cy) + (x - cx) * (x - cx) <= 9) {
                            labels[(z * P + y) * P + x] = c;
                        }
                    }
                }
            }
        }
        for (int i = 0; i < v; i++) {
            image[i] = (float) (0.2 + 0.3 * labels[i] + 0.1 * r.nextGaussian());
        }
        float[] distances = new float[classes * v];
        for (int i = 0; i < distances.length; i++) {
            distances[i] = (float) Math.tanh(r.nextGaussian());
        }
        return new Sample(name, image, labels, distances, classes, P, P, P);
    }
}
