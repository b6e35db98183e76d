package org.cryosiam.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import org.cryosiam.train.listener.CheckpointSaver;
import org.cryosiam.train.listener.Listeners;
import org.junit.jupiter.api.Test;
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

    /** The tiny denoising model of {@link TaskTrainingTest}: 16 training balls, one validation ball. */
    private static final class Setup {
        final List<Sample> train = new ArrayList<>();
        final List<Sample> val;
        final Map<String, Tensor> sd;
        final Map<String, Object> hp;

        Setup() {
            Random r = new Random(11);
            for (int i = 0; i < 16; i++) {
                train.add(TaskTrainingTest.ball(r, i, Trainer.Task.DENOISE));
            }
            val = List.of(TaskTrainingTest.ball(r, 100, Trainer.Task.DENOISE));
            Map<String, Object> bb = GradientCheckTest.backboneConfig();
            Map<String, Tensor> backbone;
            try (Network random = Networks.randomBackbone(bb, Device.cpu(), 3)) {
                backbone = TaskModel.stateDict(random, Map.of());
            }
            sd = TaskModel.initialStateDict("tiny", backbone, bb, GradientCheckTest.trainConfig(),
                    Trainer.Task.DENOISE, 5);
            hp = TaskModel.hyperParameters(GradientCheckTest.trainConfig(), bb);
        }

        Trainer.Settings settings(TrainingTask task) {
            return new Trainer.Settings(task, Trainer.Freeze.NONE,
                    new Trainer.Optimization(Optimizer.Kind.ADAMW, 0.01, 0.9, 0), new Trainer.Schedule(4, 3, 1),
                    new Trainer.Data(1, 0, 1, new Augment.Spec(null, null, null, null, false, false, null)), 7);
        }

        /** Trains with the task poisoned at loss call {@code poisonAt}; returns the failure. */
        TrainingDiverged diverge(Path dir, int poisonAt, boolean gradient) {
            TrainingTask task = new Poisoned(TrainingTask.of(Trainer.Task.DENOISE, false, false), poisonAt, gradient,
                    new AtomicInteger());
            try (Network net = Networks.build("tiny", sd, hp, Device.cpu(), true)) {
                Trainer trainer = new Trainer(settings(task), net).listeners(Listeners.defaults(dir, hp,
                        new LinkedHashMap<>(sd), line -> { }, null, org.cryosiam.io.OutputSink.NONE));
                return assertThrows(TrainingDiverged.class, () -> trainer.run(train, val, Trainer.Resume.fresh()));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void nonFiniteLossOrGradientStopsAndKeepsTheLastFiniteCheckpoint(boolean gradient, @TempDir Path dir)
            throws IOException {
        // 4 steps and one validation call an epoch: call 7 is epoch 2's second batch, step 6
        String msg = new Setup().diverge(dir, 7, gradient).getMessage();
        assertTrue(msg.startsWith("training stopped at epoch 2, step 6 (batch 2 of 4): "), msg);
        assertTrue(gradient ? msg.contains("non-finite gradient of _model") : msg.contains("a total loss of NaN"), msg);
        assertTrue(msg.endsWith(".") && !msg.contains("\n"), "one sentence: " + msg);
        List<String> rows = Files.readAllLines(dir.resolve("metrics.csv"));
        assertEquals(3, rows.size(), "header, epoch 1, the stopped epoch 2: " + rows);
        assertTrue(rows.get(2).startsWith("1,6,"), rows.get(2));
        if (!gradient) {
            assertEquals("NaN", rows.get(2).split(",")[3], rows.get(2));
        }
        Checkpoint last = Checkpoint.load(dir.resolve("model/last.ckpt"));
        assertEquals(0L, ((Number) last.get("epoch")).longValue(), "last.ckpt is epoch 1's");
        assertFinite(last.stateDict());
    }

    /** A non-finite validation loss stops after the epoch's row, before its checkpoint: call 5 is epoch 1's validation. */
    @Test
    void nonFiniteValidationStopsBeforeTheEpochsCheckpoint(@TempDir Path dir) throws IOException {
        String msg = new Setup().diverge(dir, 5, false).getMessage();
        assertTrue(msg.startsWith("training stopped after epoch 1 (step 4): its validation gave a total loss of NaN"),
                msg);
        List<String> rows = Files.readAllLines(dir.resolve("metrics.csv"));
        assertEquals(2, rows.size(), rows.toString());
        assertEquals("NaN", rows.get(1).split(",")[6], rows.get(1));
        assertFalse(Files.exists(dir.resolve("model/last.ckpt")), "no checkpoint of the stopped epoch");
    }

    /** The checkpoint writer's own refusal, should a non-finite weight ever reach it. */
    @Test
    void noCheckpointHoldsANonFiniteTensor(@TempDir Path dir) {
        Setup setup = new Setup();
        try (Network net = Networks.build("tiny", setup.sd, setup.hp, Device.cpu(), true)) {
            net.root().learnableParameters().get("_model.cnn_head.6.bias").value().muli(Float.NaN);
            Trainer trainer = new Trainer(setup.settings(TrainingTask.of(Trainer.Task.DENOISE, false, false)), net);
            CheckpointSaver saver = new CheckpointSaver(dir, setup.hp, new LinkedHashMap<>(setup.sd),
                    org.cryosiam.io.OutputSink.NONE);
            Trainer.EpochMetrics m = new Trainer.EpochMetrics(0, 4, 0.01, 1, 1, 0, 1, 1, 0, 1);
            TrainingDiverged e = assertThrows(TrainingDiverged.class, () -> saver.onEpoch(trainer,
                    new Trainer.EpochEnd(m, true, true, 1, 4, new OneCycle(0.01, 12))));
            assertTrue(e.getMessage().contains("_model.cnn_head.6.bias holds a non-finite value"), e.getMessage());
        }
        assertFalse(Files.exists(dir.resolve("last.ckpt")));
        assertFalse(Files.exists(dir.resolve("model_best.ckpt")));
    }

    private static void assertFinite(Map<String, Tensor> sd) {
        for (Map.Entry<String, Tensor> e : sd.entrySet()) {
            if (e.getValue().dtype() == org.cryosiam.checkpoint.DType.FLOAT32) {
                for (double v : e.getValue().toDoubleArray()) {
                    assertTrue(Double.isFinite(v), e.getKey());
                }
            }
        }
    }
}
