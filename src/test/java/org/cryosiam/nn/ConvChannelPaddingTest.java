package org.cryosiam.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv3d;
import ai.djl.training.GradientCollector;

/**
 * A convolution whose output channels are not a multiple of oneDNN's 16-channel block trains on zero-padded weights
 * (see {@code Conv3dLayer.computedChannels}): its values and gradients are those of the plain convolution, checked
 * against float64 (which libtorch computes without oneDNN), and no backward pass gives a non-finite gradient. The
 * head shape is the one that gave NaN gradients in 1–6 of 40 passes on an AVX-512 CPU before the padding.
 */
class ConvChannelPaddingTest {
    static final int IN = 64;
    static final int OUT = 4;
    static final int S = 16;

    @Test
    void trainingPadsTheChannelsAndKeepsValuesAndGradients() {
        Engine engine = Engine.getEngine("PyTorch");
        Random r = new Random(5);
        try (NDManager m = NDManager.newBaseManager()) {
            Conv3dLayer conv = Conv3dLayer.of(IN, OUT, 3, 1, true);
            NDArray w = m.create(gaussian(r, OUT * IN * 27, 0.05f), new Shape(OUT, IN, 3, 3, 3));
            NDArray b = m.create(gaussian(r, OUT, 0.1f), new Shape(OUT));
            for (org.cryosiam.nn.Module.Entry e : conv.stateEntries()) {
                e.param().set(e.name().equals("weight") ? w : b);
            }
            w.setRequiresGradient(true);
            b.setRequiresGradient(true);
            conv.setTraining(true);
            assertEquals(16, conv.computedChannelsForTest());
            for (int rep = 0; rep < 6; rep++) {
                try (NDManager s = m.newSubManager()) {
                    float[] xs = relu(gaussian(r, 2 * IN * S * S * S, 1f));
                    float[] up = gaussian(r, 2 * OUT * S * S * S, 1f);
                    NDArray x = s.create(xs, new Shape(2, IN, S, S, S));
                    x.setRequiresGradient(true);
                    NDArray upstream = s.create(up, new Shape(2, OUT, S, S, S));
                    NDArray y;
                    try (GradientCollector gc = engine.newGradientCollector()) {
                        y = conv.forward(x);
                        gc.backward(y.mul(upstream).sum());
                    }
                    assertEquals(new Shape(2, OUT, S, S, S), y.getShape());
                    // float64 reference of the same pass
                    NDArray x64 = x.toType(DataType.FLOAT64, true);
                    NDArray w64 = w.toType(DataType.FLOAT64, true);
                    NDArray b64 = b.toType(DataType.FLOAT64, true);
                    x64.setRequiresGradient(true);
                    w64.setRequiresGradient(true);
                    b64.setRequiresGradient(true);
                    NDArray y64;
                    try (GradientCollector gc = engine.newGradientCollector()) {
                        y64 = Conv3d.conv3d(x64, w64, b64, new Shape(1, 1, 1), new Shape(1, 1, 1),
                                new Shape(1, 1, 1), 1).singletonOrThrow();
                        gc.backward(y64.mul(upstream.toType(DataType.FLOAT64, false)).sum());
                    }
                    close("rep " + rep + " output", y, y64, 1e-4);
                    close("rep " + rep + " input gradient", x.getGradient(), x64.getGradient(), 1e-4);
                    close("rep " + rep + " weight gradient", w.getGradient(), w64.getGradient(), 1e-3);
                    close("rep " + rep + " bias gradient", b.getGradient(), b64.getGradient(), 1e-3);
                    w.getGradient().muli(0);
                    b.getGradient().muli(0);
                }
            }
            conv.setTraining(false);
            assertEquals(OUT, conv.computedChannelsForTest(), "float32 inference keeps the plain convolution");
        }
    }

    /** Largest difference within {@code tol} of the float64 values' largest magnitude, every value finite. */
    private static void close(String what, NDArray a, NDArray ref, double tol) {
        float[] x = a.toType(DataType.FLOAT32, false).toFloatArray();
        double[] y = ref.toType(DataType.FLOAT64, false).toDoubleArray();
        double scale = 0;
        for (double v : y) {
            scale = Math.max(scale, Math.abs(v));
        }
        double worst = 0;
        for (int i = 0; i < x.length; i++) {
            assertTrue(Float.isFinite(x[i]), what + ": non-finite value at " + i);
            worst = Math.max(worst, Math.abs(x[i] - y[i]));
        }
        assertTrue(worst <= tol * scale, what + ": off by " + worst + " of " + scale);
    }

    private static float[] gaussian(Random r, int n, float sd) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextGaussian() * sd);
        }
        return a;
    }

    private static float[] relu(float[] a) {
        for (int i = 0; i < a.length; i++) {
            a[i] = Math.max(a[i], 0f);
        }
        return a;
    }
}
