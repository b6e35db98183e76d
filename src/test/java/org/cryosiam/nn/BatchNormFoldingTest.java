package org.cryosiam.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.cryosiam.checkpoint.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Inference folds each BatchNorm into the convolution before it; the folded network must give what the separate
 * layers give (the reference's sequence of operations), and the FLOP count the benchmark reports must be the
 * convolutions' multiply-adds.
 */
class BatchNormFoldingTest {
    static NDManager m;

    @BeforeAll
    static void start() {
        System.setProperty("ai.djl.offline", "true");
        m = NDManager.newBaseManager(Device.cpu());
    }

    @AfterAll
    static void stop() {
        m.close();
    }

    @Test
    void foldedAndSeparateBatchNormAgree() {
        for (String[] arch : new String[][] {{"bottleneck", "fpn"}, {"basic", "bifpn"}}) {
            Map<String, Object> net = SyntheticNetworkTest.network(arch[0], arch[1], arch[1].equals("fpn"));
            Map<String, Tensor> sd = SyntheticNetworkTest.semanticStateDict(net, true);
            try (Network n = Networks.build("syn.ckpt", sd, SyntheticNetworkTest.semanticHp(net), Device.cpu(), true)) {
                NDArray x = m.randomNormal(new Shape(2, 1, 16, 16, 32));
                n.setBatchNormFolding(false);
                Map<String, NDArray> separate = n.forward(x);
                n.setBatchNormFolding(true);
                Map<String, NDArray> folded = n.forward(x);
                for (String k : separate.keySet()) {
                    float[] a = separate.get(k).toFloatArray();
                    float[] b = folded.get(k).toFloatArray();
                    double maxRef = 0;
                    double maxDiff = 0;
                    for (int i = 0; i < a.length; i++) {
                        maxRef = Math.max(maxRef, Math.abs(a[i]));
                        maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
                    }
                    assertTrue(maxDiff <= 1e-5 * Math.max(1, maxRef), arch[0] + "/" + arch[1] + " " + k + ": " + maxDiff);
                }
                // a folded forward after a separate one, and the reverse, stay consistent
                n.setBatchNormFolding(false);
                assertEquals(separate.get("semantic").toFloatArray()[0], n.forward(x).get("semantic").toFloatArray()[0]);
            }
        }
    }

    @Test
    void flopCounterCountsTwoPerMultiplyAdd() {
        Conv3dLayer conv = new Conv3dLayer(3, 4, 3, 2, 1, 1, true);
        conv.stateEntries().forEach(e -> e.param().set(m.ones(new Shape(e.param().shape()))));
        NDArray x = m.ones(new Shape(2, 3, 8, 8, 8));
        // stride 2, padding 1: 4³ output voxels × 4 channels × (3·27) multiply-adds × 2 samples × 2 FLOPs
        FlopCounter counter = new FlopCounter();
        conv.countFlops(counter);
        long flops = counter.count(() -> conv.forward(x).close());
        assertEquals(2L * 2 * 4 * 4 * 4 * 4 * 3 * 27, flops);
    }
}
