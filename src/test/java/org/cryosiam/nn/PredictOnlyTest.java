package org.cryosiam.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.cryosiam.Fixtures;
import org.cryosiam.checkpoint.Checkpoint;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import ai.djl.Device;
import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * A predict-only network folds each BatchNorm into its convolution's own weights: the same outputs as the usual
 * folding, without a second copy of the weights, and it refuses to train afterwards.
 */
class PredictOnlyTest {
    @BeforeAll
    static void offline() {
        System.setProperty("ai.djl.offline", "true");
    }

    private static int live(NDManager manager) {
        return ((BaseNDManager) manager).getManagedArrays().size();
    }

    @Test
    void foldsInPlaceWithTheSameOutputs() {
        Checkpoint ckpt = Checkpoint.load(Fixtures.pipelineSmall().resolve("models").resolve("semantic.ckpt"));
        float[] input = new float[2 * 32 * 32 * 32];
        Random r = new Random(3);
        for (int i = 0; i < input.length; i++) {
            input[i] = (float) r.nextGaussian();
        }
        try (NDManager m = NDManager.newBaseManager(Device.cpu());
             Network usual = Networks.fromCheckpoint(ckpt, Device.cpu());
             Network lean = Networks.fromCheckpoint(ckpt, Device.cpu())) {
            lean.predictOnly();
            NDArray x = m.create(input, new Shape(2, 1, 32, 32, 32));
            int usualBefore = live(usual.manager());
            int leanBefore = live(lean.manager());
            float[] a = usual.forward(x).get("semantic").toFloatArray();
            float[] b = lean.forward(x).get("semantic").toFloatArray();
            int usualAdded = live(usual.manager()) - usualBefore;
            int leanAdded = live(lean.manager()) - leanBefore;
            assertTrue(leanAdded > 0, "the folded biases are kept");
            assertEquals(usualAdded, 2 * leanAdded, "the usual folding keeps a weight and a bias per pair, "
                    + "in-place folding only the bias");
            float max = 0;
            float diff = 0;
            for (int i = 0; i < a.length; i++) {
                max = Math.max(max, Math.abs(a[i]));
                diff = Math.max(diff, Math.abs(a[i] - b[i]));
            }
            assertTrue(diff <= 1e-5f * Math.max(1, max), "largest difference " + diff);
            float[] again = lean.forward(x).get("semantic").toFloatArray(); // folded once, not twice
            assertEquals(b[0], again[0], 1e-6f * Math.max(1, max));
            assertEquals(b[b.length - 1], again[again.length - 1], 1e-6f * Math.max(1, max));
            assertThrows(IllegalStateException.class, () -> lean.setTraining(true));
            assertThrows(IllegalStateException.class, () -> lean.setBatchNormFolding(false));
        }
    }
}
