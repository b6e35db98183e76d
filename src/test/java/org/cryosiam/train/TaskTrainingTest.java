package org.cryosiam.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.cryosiam.checkpoint.Checkpoint;
import org.cryosiam.checkpoint.CheckpointWriter;
import org.cryosiam.checkpoint.ModelKind;
import org.cryosiam.checkpoint.Tensor;
import org.cryosiam.nn.Network;
import org.cryosiam.nn.Networks;
import org.cryosiam.train.listener.Listeners;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The denoising, instance and SimSiam training paths on a tiny network and 16³ patches of random balls: the loss
 * falls, and what is saved loads back as the model kind the prediction commands expect.
 */
class TaskTrainingTest {
    static final int P = 16;

    /** A patch with 1–3 balls (ids 1..); the image is the balls plus noise. */
    static Sample ball(Random r, int index, Trainer.Task task) {
        int v = P * P * P;
        float[] clean = new float[v];
        int[] ids = new int[v];
        int balls = 1 + r.nextInt(3);
        for (int b = 1; b <= balls; b++) {
            int cz = 4 + r.nextInt(8), cy = 4 + r.nextInt(8), cx = 4 + r.nextInt(8);
            double rad = 2 + r.nextDouble() * 1.5;
            for (int z = 0; z < P; z++) {
                for (int y = 0; y < P; y++) {
                    for (int x = 0; x < P; x++) {
                        double d2 = (z - cz) * (z - cz) + (y - cy) * (y - cy) + (x - cx) * (x - cx);
                        if (d2 <= rad * rad && ids[(z * P + y) * P + x] == 0) {
                            ids[(z * P + y) * P + x] = b;
                            clean[(z * P + y) * P + x] = 1f;
                        }
                    }
                }
            }
        }
        float[] img = new float[v];
        for (int i = 0; i < v; i++) {
            img[i] = (float) (0.3 + 0.4 * clean[i] + 0.15 * r.nextGaussian());
        }
        float[] maps = task == Trainer.Task.DENOISE ? clean : InstanceTargets.distances(ids, P, P, P);
        return new Sample("ball_" + index, img, ids, maps, 1, P, P, P);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> castMap(Object o) {
        return (Map<String, Object>) o;
    }

    private static void trainDense(Trainer.Task task, ModelKind kind, List<String> outputs, Path dir) {
        Device cpu = Device.cpu();
        Random r = new Random(11);
        List<Sample> train = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            train.add(ball(r, i, task));
        }
        List<Sample> val = List.of(ball(r, 100, task), ball(r, 101, task), ball(r, 102, task), ball(r, 103, task));
        Map<String, Object> bb = GradientCheckTest.backboneConfig();
        Map<String, Tensor> backbone;
        try (Network random = Networks.randomBackbone(bb, cpu, 3)) {
            backbone = TaskModel.stateDict(random, Map.of());
        }
        Map<String, Tensor> sd = TaskModel.initialStateDict("tiny", backbone, bb, GradientCheckTest.trainConfig(), task, 5);
        Map<String, Object> hp = TaskModel.hyperParameters(GradientCheckTest.trainConfig(), bb);
        Trainer.Settings s = new Trainer.Settings(TrainingTask.of(task, false, false), Trainer.Freeze.NONE,
                new Trainer.Optimization(Optimizer.Kind.ADAMW, 0.01, 0.9, 0), new Trainer.Schedule(4, 6, 1),
                new Trainer.Data(1, 0, 1, new Augment.Spec(null, null, null, null, false, true, null)), 7);
        List<Trainer.EpochMetrics> m;
        java.io.StringWriter console = new java.io.StringWriter();
        List<String> epochLines = new ArrayList<>();
        org.cryosiam.log.Progress.Factory progress = new org.cryosiam.log.Progress.Factory(
                org.cryosiam.log.Progress.Mode.SUMMARY, new java.io.PrintWriter(console, true), System::nanoTime);
        try (Network net = Networks.build("tiny", sd, hp, cpu, true)) {
            assertEquals(kind, net.kind());
            m = new Trainer(s, net).listeners(Listeners.defaults(dir, hp, new LinkedHashMap<>(sd), epochLines::add,
                    progress, org.cryosiam.io.OutputSink.NONE)).run(train, val, Trainer.Resume.fresh());
        }
        // each epoch's 4 batches through the run's progress display, then the epoch's own line
        assertTrue(console.toString().contains("epoch 1/6 batches: 4 in "), console.toString());
        assertEquals(m.size(), epochLines.size());
        assertTrue(epochLines.get(0).startsWith("epoch 1/6: train_loss "), epochLines.get(0));
        double first = m.get(0).trainLoss();
        double last = m.get(m.size() - 1).trainLoss();
        assertTrue(last < 0.8 * first, task + ": training loss " + first + " -> " + last);
        Checkpoint saved = Checkpoint.load(dir.resolve("model").resolve("last.ckpt"));
        try (Network back = Networks.fromCheckpoint(saved, cpu)) {
            assertEquals(kind, back.kind());
            assertEquals(outputs, back.outputNames());
        }
    }

    @Test
    void denoisingHeadLearnsTheCleanImage(@TempDir Path dir) {
        trainDense(Trainer.Task.DENOISE, ModelKind.DENOISING, List.of("z", "denoise"), dir);
    }

    @Test
    void instanceHeadsLearnForegroundDistanceAndBoundary(@TempDir Path dir) {
        trainDense(Trainer.Task.INSTANCE, ModelKind.INSTANCE, List.of("z", "foreground", "distance", "boundary"),
                dir);
    }

    @Test
    void simSiamLossFallsAndTheModelLoadsAsAnEmbeddingModel(@TempDir Path dir) {
        Device cpu = Device.cpu();
        Map<String, Object> n = new LinkedHashMap<>(castMap(castMap(GradientCheckTest.backboneConfig()
                .get("parameters")).get("network")));
        n.put("dim", 8);
        n.put("pred_dim", 4);
        Map<String, Object> config = Map.of("parameters", Map.of("network", n));
        Random r = new Random(3);
        List<float[]> cubes = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            cubes.add(ball(r, i, Trainer.Task.DENOISE).image());
        }
        Augment.Spec views = new Augment.Spec(null, null, null, new double[] {0.05, 0.1}, false, true, 0.2);
        SimSiamTrainer.Settings s = new SimSiamTrainer.Settings(0.05, 0, 8, 20, 0, 1, views, 1);
        List<Double> losses;
        Map<String, Tensor> sd;
        try (Network net = Networks.randomSimSiam(config, cpu, 2)) {
            losses = new SimSiamTrainer(s, net).run(cubes, P, m -> { });
            sd = TaskModel.stateDict(net, Map.of());
        }
        int e = losses.size();
        double firstThree = (losses.get(0) + losses.get(1) + losses.get(2)) / 3;
        double lastThree = (losses.get(e - 1) + losses.get(e - 2) + losses.get(e - 3)) / 3;
        assertTrue(lastThree < firstThree - 0.1, "SimSiam loss " + losses);
        assertTrue(losses.stream().allMatch(l -> l >= -1.0001), "a negative cosine is at least -1: " + losses);
        Path file = dir.resolve("embeddings.ckpt");
        CheckpointWriter.write(file, CheckpointWriter.lightning(sd, Map.of("config", config), 0, 0, List.of(),
                List.of(), Map.of()));
        try (Network back = Networks.fromCheckpoint(Checkpoint.load(file), cpu);
                NDManager m = NDManager.newBaseManager(cpu, "PyTorch")) {
            assertEquals(ModelKind.EMBEDDING, back.kind());
            NDArray p = back.forward(m.randomNormal(new Shape(2, 1, P, P, P)), m).get("p");
            float[] norms = p.norm(new int[] {1}).toFloatArray();
            assertEquals(1.0, norms[0], 1e-5);
            assertEquals(1.0, norms[1], 1e-5);
        }
    }
}
