package org.cryosiam.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.cryosiam.checkpoint.Tensor;
import org.junit.jupiter.api.Test;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

/**
 * The backward pass must not read memory that Java has freed. DJL makes CPU arrays over Java direct buffers; the
 * FPN's trilinear resize builds gather indices and weights that way, and autograd saves them. Here the forward pass
 * ends (its scope closes every intermediate), the garbage collector runs and freed native blocks are refilled with
 * 0xFF, then backward runs: its gradients must equal those of an undisturbed step. (Before the fix, training failed
 * at random with "index 1065353216 is out of bounds" or gave silently wrong gradients.)
 */
class BackwardAfterCollectionTest {
    @Test
    void gradientsDoNotDependOnWhatHappensBetweenForwardAndBackward() {
        System.setProperty("ai.djl.offline", "true");
        Map<String, Object> net = SyntheticNetworkTest.network("basic", "fpn", true);
        Map<String, Tensor> sd = SyntheticNetworkTest.semanticStateDict(net, true);
        Engine engine = Engine.getEngine("PyTorch");
        try (Network n = Networks.build("syn.ckpt", sd, SyntheticNetworkTest.semanticHp(net), Device.cpu(), true);
             NDManager m = NDManager.newBaseManager(Device.cpu())) {
            n.setTraining(true);
            for (Param p : n.root().learnableParameters().values()) {
                p.get().setRequiresGradient(true);
            }
            Param probe = n.root().learnableParameters().values().iterator().next();
            NDArray x = m.randomNormal(0, 1, new Shape(2, 1, 16, 16, 16), ai.djl.ndarray.types.DataType.FLOAT32);
            float[] reference = null;
            for (int step = 0; step < 12; step++) {
                try (NDManager s = m.newSubManager(); GradientCollector gc = engine.newGradientCollector()) {
                    NDArray loss = n.forward(x, s).get("semantic").square().mean();
                    if (step > 0) {
                        scribbleOverFreedMemory();
                    }
                    gc.backward(loss);
                    float[] grad;
                    try (NDArray g = probe.get().getGradient()) {
                        grad = g.toFloatArray();
                        g.muli(0); // gradients accumulate: start the next step from zero
                    }
                    if (reference == null) {
                        reference = grad;
                    } else {
                        assertArrayEquals(reference, grad, "step " + step);
                    }
                }
            }
        }
    }

    /** Collects unreachable direct buffers and fills the freed native blocks (small sizes) with 0xFF. */
    private static void scribbleOverFreedMemory() {
        System.gc();
        try {
            Thread.sleep(20); // the cleaner thread frees collected direct buffers
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<ByteBuffer> hold = new ArrayList<>();
        for (int size = 16; size <= 4096; size += 16) {
            for (int k = 0; k < 4; k++) {
                ByteBuffer b = ByteBuffer.allocateDirect(size);
                while (b.hasRemaining()) {
                    b.put((byte) 0xFF);
                }
                hold.add(b);
            }
        }
        hold.clear();
    }
}
