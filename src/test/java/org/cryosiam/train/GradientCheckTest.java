package org.cryosiam.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.cryosiam.checkpoint.Tensor;
import org.cryosiam.nn.Module;
import org.cryosiam.nn.Network;
import org.cryosiam.nn.Networks;
import org.cryosiam.nn.Param;
import org.cryosiam.nn.Resize;
import org.junit.jupiter.api.Test;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

/**
 * Autograd through our network code against central finite differences, in float64: convolutions (encoder, FPN
 * laterals, projector, heads), BatchNorm in training mode (batch statistics), the trilinear resize of the FPN, and
 * the training losses (cross-entropy + generalised Dice + tanh-MSE).
 */
class GradientCheckTest {
    /** Small enough that no ReLU kink lies within ±H of a tested point (checked: 1e-6 crosses one). */
    static final double H = 1e-8;
    static final double H_LINEAR = 1e-6;

    static Map<String, Object> backboneConfig() {
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("block_type", "basic");
        n.put("num_layers", List.of(1, 1, 1, 1));
        n.put("num_filters", List.of(3, 4, 4, 5));
        n.put("fpn_channels", 4);
        n.put("no_max_pool", true);
        n.put("dim", 6);
        n.put("pred_dim", 3);
        n.put("dense_dim", 3);
        n.put("dense_pred_dim", 4);
        n.put("in_channels", 1);
        n.put("spatial_dims", 3);
        return Map.of("parameters", Map.of("network", n));
    }

    static Map<String, Object> trainConfig() {
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("dense_dim", 3);
        n.put("out_channels", 3);
        n.put("filters", List.of(4, 5));
        n.put("kernel_size", 3);
        n.put("padding", 1);
        n.put("spatial_dims", 3);
        return Map.of("parameters", Map.of("network", n));
    }

    @Test
    void everyLayerTypeMatchesFiniteDifferences() {
        Device cpu = Device.cpu();
        Map<String, Tensor> backboneSd;
        try (Network bb = Networks.randomBackbone(backboneConfig(), cpu, 5)) {
            backboneSd = TaskModel.stateDict(bb, Map.of());
        }
        Map<String, Tensor> sd = TaskModel.initialStateDict("tiny", backboneSd, backboneConfig(), trainConfig(), 3);
        Map<String, Object> hp = TaskModel.hyperParameters(trainConfig(), backboneConfig());
        try (Network net = TaskModel.buildSemantic("tiny", sd, hp, cpu);
                NDManager m = NDManager.newBaseManager(cpu, "PyTorch")) {
            for (Module.Entry e : net.root().stateEntries()) {
                NDArray v = e.param().value();
                if (v != null && v.getDataType() == DataType.FLOAT32) {
                    e.param().set(v.toType(DataType.FLOAT64, true));
                }
            }
            net.setTraining(true);
            Random r = new Random(11);
            int n = 2, c = 3, d = 10;
            int vox = d * d * d;
            double[] x = new double[n * vox];
            for (int i = 0; i < x.length; i++) {
                x[i] = r.nextGaussian();
            }
            float[] onehot = new float[n * c * vox];
            double[][] ground = new double[n][c];
            float[] dist = new float[n * c * vox];
            for (int b = 0; b < n; b++) {
                for (int k = 0; k < vox; k++) {
                    int cls = r.nextInt(c);
                    onehot[(b * c + cls) * vox + k] = 1f;
                    ground[b][cls]++;
                }
            }
            for (int i = 0; i < dist.length; i++) {
                dist[i] = (float) (r.nextDouble() * 2 - 1);
            }
            Shape shape = new Shape(n, c, d, d, d);
            NDArray input = m.create(x, new Shape(n, 1, d, d, d));
            NDArray target = m.create(onehot, shape).toType(DataType.FLOAT64, false);
            NDArray distT = m.create(dist, shape).toType(DataType.FLOAT64, false);
            java.util.function.Supplier<NDArray> loss = () -> {
                Map<String, NDArray> y = net.forward(input, m);
                NDArray logits = y.get("semantic");
                return Losses.crossEntropy(logits, target)
                        .add(Losses.generalizedDice(logits.softmax(1), target, ground))
                        .add(Losses.tanhMse(y.get("distance"), distT));
            };
            String[] names = {
                "_model_backbone.encoder.conv1.weight", // first convolution: the gradient crosses the whole net
                "_model_backbone.encoder.bn1.weight", // BatchNorm, batch statistics
                "_model_backbone.encoder.layer2.0.bn2.bias",
                "_model_backbone.decoder.layer1.weight", // lateral of res5: reaches z through three trilinear resizes
                "_model_backbone.decoder.layer3.bias",
                "_model_backbone.projector.6.bias",
                "_model.semantic_head.0.weight",
                "_model.semantic_head.4.weight",
                "_model.distance_head.6.bias",
            };
            Map<String, Param> params = new LinkedHashMap<>();
            for (Module.Entry e : net.root().stateEntries()) {
                params.put(e.name(), e.param());
            }
            for (String name : names) {
                params.get(name).value().setRequiresGradient(true);
            }
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                gc.backward(loss.get());
            }
            for (String name : names) {
                Param p = params.get(name);
                NDArray original = p.value();
                double[] grad = original.getGradient().toDoubleArray();
                double[] w = original.toDoubleArray();
                Shape s = original.getShape();
                int[] picks = {0, w.length / 2, w.length - 1};
                for (int i : picks) {
                    double[] plus = w.clone();
                    plus[i] += H;
                    double[] minus = w.clone();
                    minus[i] -= H;
                    p.set(m.create(plus, s));
                    double lp = loss.get().getDouble();
                    p.set(m.create(minus, s));
                    double lm = loss.get().getDouble();
                    p.set(original);
                    double fd = (lp - lm) / (2 * H);
                    double tol = 1e-6 * Math.max(1, Math.abs(fd));
                    assertEquals(fd, grad[i], tol, name + "[" + i + "] autograd vs finite difference");
                }
                assertTrue(java.util.Arrays.stream(grad).anyMatch(g -> g != 0), name + " got no gradient");
            }
        }
    }

    @Test
    void trilinearResizeMatchesFiniteDifferences() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            Random r = new Random(2);
            double[] x = new double[2 * 3 * 4 * 5];
            for (int i = 0; i < x.length; i++) {
                x[i] = r.nextGaussian();
            }
            double[] wts = new double[2 * 5 * 7 * 3];
            for (int i = 0; i < wts.length; i++) {
                wts[i] = r.nextGaussian();
            }
            Shape xs = new Shape(1, 2, 3, 4, 5);
            NDArray weights = m.create(wts, new Shape(1, 2, 5, 7, 3));
            NDArray in = m.create(x, xs);
            in.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                gc.backward(Resize.trilinear(in, 5, 7, 3).mul(weights).sum());
            }
            double[] grad = in.getGradient().toDoubleArray();
            for (int i = 0; i < x.length; i += 7) {
                double[] plus = x.clone();
                plus[i] += H_LINEAR;
                double[] minus = x.clone();
                minus[i] -= H_LINEAR;
                double lp = Resize.trilinear(m.create(plus, xs), 5, 7, 3).mul(weights).sum().getDouble();
                double lm = Resize.trilinear(m.create(minus, xs), 5, 7, 3).mul(weights).sum().getDouble();
                assertEquals((lp - lm) / (2 * H_LINEAR), grad[i], 1e-7, "input[" + i + "]");
            }
        }
    }
}
