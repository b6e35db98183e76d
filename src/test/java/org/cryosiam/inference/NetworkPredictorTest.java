package org.cryosiam.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.cryosiam.Fixtures;
import org.cryosiam.checkpoint.Checkpoint;
import org.cryosiam.nn.Network;
import org.cryosiam.nn.Networks;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import ai.djl.Device;

/** A batch run one sample at a time (to bound memory on the CPU) gives the maps of the whole batch at once. */
class NetworkPredictorTest {
    @BeforeAll
    static void offline() {
        System.setProperty("ai.djl.offline", "true");
    }

    @Test
    void samplesOneAtATimeMatchTheWholeBatch() {
        int[] patch = {32, 32, 32};
        int batch = 3;
        float[] input = new float[batch * 32 * 32 * 32];
        Random r = new Random(7);
        for (int i = 0; i < input.length; i++) {
            input[i] = (float) r.nextGaussian();
        }
        try (Network net = Networks.fromCheckpoint(Checkpoint.load(
                Fixtures.pipelineSmall().resolve("models").resolve("denoise.ckpt")), Device.cpu());
             NetworkPredictor whole = new NetworkPredictor(net, 1, out -> out.get("denoise"), Long.MAX_VALUE);
             NetworkPredictor single = new NetworkPredictor(net, 1, out -> out.get("denoise"), 0)) {
            assertEquals(batch, whole.samplesPerPass(batch, patch));
            assertEquals(1, single.samplesPerPass(batch, patch));
            float[] a = whole.predict(input, batch, patch);
            float[] b = single.predict(input, batch, patch);
            assertEquals(a.length, b.length);
            float max = 0;
            float diff = 0;
            for (int i = 0; i < a.length; i++) {
                max = Math.max(max, Math.abs(a[i]));
                diff = Math.max(diff, Math.abs(a[i] - b[i]));
            }
            assertTrue(max > 0, "the network produced maps");
            assertTrue(diff <= 1e-5f * Math.max(1, max), "largest difference " + diff + " of " + max);
        }
    }
}
