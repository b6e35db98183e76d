package org.cryosiam.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import org.cryosiam.checkpoint.Checkpoint;
import org.cryosiam.checkpoint.Tensor;
import org.cryosiam.nn.Network;
import org.cryosiam.nn.Networks;
import org.cryosiam.train.listener.Listeners;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * A non-finite loss or gradient stops training at that step: one sentence naming the epoch, the step and the term,
 * the metrics CSV keeps the stopped epoch's row, and {@code last.ckpt} stays the last finite one.
 */
class TrainingGuardTest {
    /** The denoising task with its {@code poisonAt}-th loss call (1-based) made non-finite: the loss or its gradient. */
    record Poisoned(TrainingTask inner, int poisonAt, boolean gradient, AtomicInteger calls) implements TrainingTask {
        @Override
        public Trainer.Task heads() {
            return inner.heads();
        }

        @Override
        public void addTargets(Sample smp, int index, TrainingBatch batch) {
            inner.addTargets(smp, index, batch);
        }

        @Override
        public NDArray[] losses(NDManager m, Device device, Map<String, NDArray> outputs, TrainingBatch batch) {
            NDArray[] l = inner.losses(m, device, outputs, batch);
            if (calls.incrementAndGet() != poisonAt) {
                return l;
            }
            if (!gradient) {
                return new NDArray[] {l[0].mul(Float.NaN), l[1], l[2]};
            }
            // sqrt at 0: the value stays 0, the gradient is inf·0 = NaN
            NDArray zero = outputs.get("denoise").mul(0f).sum().sqrt();
            return new NDArray[] {l[0].add(zero), l[1], l[2]};
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void nonFiniteLossOrGradientStopsAndKeepsTheLastFiniteCheckpoint(boolean gradient, @TempDir Path dir)
            throws IOException {
        Device cpu = Device.cpu();
        Random r = new Random(11);
        List<Sample> train = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            train.add(TaskTrainingTest.ball(r, i, Trainer.Task.DENOISE));
        }
        List<Sample> val = List.of(TaskTrainingTest.ball(r, 100, Trainer.Task.DENOISE));
        Map<String, Object> bb = GradientCheckTest.backboneConfig();
        Map<String, Tensor> backbone;
        try (Network random = Networks.randomBackbone(bb, cpu, 3)) {
            backbone = TaskModel.stateDict(random, Map.of());
        }
        Map<String, Tensor> sd = TaskModel.initialStateDict("tiny", backbone, bb, GradientCheckTest.trainConfig(),
                Trainer.Task.DENOISE, 5);
        Map<String, Object> hp = TaskModel.hyperParameters(GradientCheckTest.trainConfig(), bb);
        // 4 steps and one validation call an epoch: call 7 is epoch 2's second batch, step 6
        TrainingTask task = new Poisoned(TrainingTask.of(Trainer.Task.DENOISE, false, false), 7, gradient,
                new AtomicInteger());
        Trainer.Settings s = new Trainer.Settings(task, Trainer.Freeze.NONE,
                new Trainer.Optimization(Optimizer.Kind.ADAMW, 0.01, 0.9, 0), new Trainer.Schedule(4, 3, 1),
                new Trainer.Data(1, 0, 1, new Augment.Spec(null, null, null, null, false, false, null)), 7);
        TrainingDiverged stop;
        try (Network net = Networks.build("tiny", sd, hp, cpu, true)) {
            Trainer trainer = new Trainer(s, net).listeners(Listeners.defaults(dir, hp, new LinkedHashMap<>(sd),
                    line -> { }, null, org.cryosiam.io.OutputSink.NONE));
            stop = assertThrows(TrainingDiverged.class, () -> trainer.run(train, val, Trainer.Resume.fresh()));
        }
        String msg = stop.getMessage();
        assertTrue(msg.startsWith("training stopped at epoch 2, step 6 (batch 2 of 4): "), msg);
        assertTrue(gradient ? msg.contains("non-finite gradient of _model") : msg.contains("a total loss of NaN"), msg);
        List<String> rows = Files.readAllLines(dir.resolve("metrics.csv"));
        assertEquals(3, rows.size(), "header, epoch 1, the stopped epoch 2: " + rows);
        assertTrue(rows.get(2).startsWith("1,6,"), rows.get(2));
        if (!gradient) {
            assertTrue(rows.get(2).split(",")[3].equals("NaN"), rows.get(2));
        }
        Checkpoint last = Checkpoint.load(dir.resolve("model/last.ckpt"));
        assertEquals(0L, ((Number) last.get("epoch")).longValue(), "last.ckpt is epoch 1's");
        for (Map.Entry<String, Tensor> e : last.stateDict().entrySet()) {
            if (e.getValue().dtype() == org.cryosiam.checkpoint.DType.FLOAT32) {
                for (double v : e.getValue().toDoubleArray()) {
                    assertTrue(Double.isFinite(v), e.getKey());
                }
            }
        }
    }
}
