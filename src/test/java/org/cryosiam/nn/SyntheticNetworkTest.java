package org.cryosiam.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.checkpoint.ModelKind;
import org.cryosiam.checkpoint.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

/** Networks built from synthetic configs and random state dicts: kinds, shapes, errors, memory, training mode. */
class SyntheticNetworkTest {
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

    static Map<String, Object> network(String blockType, String decoder, boolean laterConv) {
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("block_type", blockType);
        n.put("num_layers", List.of(1L, 2L, 1L, 1L));
        n.put("num_filters", List.of(4L, 8L, 8L, 16L));
        n.put("fpn_channels", 8L);
        n.put("no_max_pool", true);
        n.put("dim", 12L);
        n.put("pred_dim", 6L);
        n.put("dense_dim", 5L);
        n.put("dense_pred_dim", 7L);
        n.put("in_channels", 1L);
        n.put("spatial_dims", 3L);
        n.put("decoder_type", decoder);
        n.put("add_fpn_later_conv", laterConv);
        return n;
    }

    static Map<String, Object> wrap(Map<String, Object> network) {
        return Map.of("parameters", Map.of("network", network));
    }

    static Map<String, Object> headConfig() {
        return new LinkedHashMap<>(Map.of("dense_dim", 5L, "out_channels", 3L, "filters", List.of(32L, 64L),
                "kernel_size", 3L, "padding", 1L, "spatial_dims", 3L));
    }

    /** Random tensors for every entry of a module tree (the same names the reference would save). */
    static void fill(Module root, Map<String, Tensor> sd, Random r) {
        for (Module.Entry e : root.stateEntries()) {
            int[] shape = java.util.Arrays.stream(e.param().shape()).mapToInt(Math::toIntExact).toArray();
            if (e.param().dataType() == DataType.INT64) {
                sd.put(e.name(), Tensor.ofLongs(shape, new long[] {3}));
                continue;
            }
            float[] v = new float[Math.toIntExact(Tensor.numel(shape))];
            boolean var = e.name().endsWith("running_var");
            for (int i = 0; i < v.length; i++) {
                v[i] = var ? 0.5f + r.nextFloat() : (float) (r.nextGaussian() * 0.3);
            }
            sd.put(e.name(), Tensor.ofFloats(shape, v));
        }
    }

    /** A semantic model: backbone + SemanticHeads with filters (6, 4) and a distance head. */
    static Map<String, Tensor> semanticStateDict(Map<String, Object> net, boolean downsampleBias) {
        Network.Root root = new Network.Root();
        ResNetEncoder.Spec es = new ResNetEncoder.Spec(net.get("block_type").equals("bottleneck"),
                new int[] {1, 2, 1, 1}, new int[] {4, 8, 8, 16}, 1, true);
        root.add("_model_backbone", new DenseSimSiam(new DenseSimSiam.Spec(es, 8, 12, 6, 5, 7, false,
                (Boolean) net.get("add_fpn_later_conv"), (String) net.get("decoder_type"), 2), i -> downsampleBias));
        root.add("_model", new Heads().add("semantic_head", "semantic", new HeadStack.Spec(5, 6, 4, 3, 3, 1))
                .add("distance_head", "distance", new HeadStack.Spec(5, 6, 4, 3, 3, 1)));
        Map<String, Tensor> sd = new LinkedHashMap<>();
        fill(root, sd, new Random(1));
        sd.put("_model_backbone.extra_unused", Tensor.ofFloats(new int[] {1}, new float[] {1}));
        return sd;
    }

    static Map<String, Object> semanticHp(Map<String, Object> net) {
        return Map.of("config", wrap(headConfig()), "backbone_config", wrap(net));
    }

    @Test
    void semanticFpnBottleneckOutputs() {
        Map<String, Object> net = network("bottleneck", "fpn", true);
        Map<String, Tensor> sd = semanticStateDict(net, false);
        try (Network n = Networks.build("syn.ckpt", sd, semanticHp(net), Device.cpu(), true)) {
            assertEquals(ModelKind.SEMANTIC, n.kind());
            assertEquals(List.of("z", "semantic", "distance"), n.outputNames());
            NDArray x = m.randomNormal(new Shape(2, 1, 9, 10, 11));
            Map<String, NDArray> out = n.forward(x);
            assertEquals(new Shape(2, 5, 9, 10, 11), out.get("z").getShape());
            assertEquals(new Shape(2, 3, 9, 10, 11), out.get("semantic").getShape());
            assertEquals(new Shape(2, 3, 9, 10, 11), out.get("distance").getShape());
        }
    }

    @Test
    void withoutDistanceHead() {
        Map<String, Object> net = network("basic", "fpn", false);
        Map<String, Tensor> sd = semanticStateDict(net, true);
        sd.keySet().removeIf(k -> k.startsWith("_model.distance_head."));
        try (Network n = Networks.build("syn.ckpt", sd, semanticHp(net), Device.cpu(), true)) {
            assertEquals(List.of("z", "semantic"), n.outputNames());
        }
    }

    @Test
    void shapeMismatchNamesKeyAndShapes() {
        Map<String, Object> net = network("basic", "fpn", false);
        Map<String, Tensor> sd = semanticStateDict(net, true);
        sd.put("_model_backbone.decoder.layer2.weight", Tensor.ofFloats(new int[] {8, 7, 1, 1, 1}, new float[56]));
        CryosiamUserException e = assertThrows(CryosiamUserException.class,
                () -> Networks.build("models/x.ckpt", sd, semanticHp(net), Device.cpu(), true));
        assertEquals("models/x.ckpt: _model_backbone.decoder.layer2.weight has shape [8, 7, 1, 1, 1], the config "
                + "implies [8, 8, 1, 1, 1]", e.getMessage());
    }

    @Test
    void missingTensorIsReported() {
        Map<String, Object> net = network("basic", "fpn", false);
        Map<String, Tensor> sd = semanticStateDict(net, true);
        sd.remove("_model_backbone.projector.4.running_var");
        CryosiamUserException e = assertThrows(CryosiamUserException.class,
                () -> Networks.build("x.ckpt", sd, semanticHp(net), Device.cpu(), true));
        assertEquals("x.ckpt: tensor _model_backbone.projector.4.running_var is missing, the config implies shape [8]",
                e.getMessage());
        // auxiliary parts (global predictor) may be absent
        Map<String, Tensor> sd2 = semanticStateDict(net, true);
        sd2.keySet().removeIf(k -> k.startsWith("_model_backbone.global_predictor."));
        Networks.build("x.ckpt", sd2, semanticHp(net), Device.cpu(), true).close();
    }

    @Test
    void downsampleBiasFollowsTensors() {
        Map<String, Object> net = network("basic", "fpn", false);
        for (boolean bias : new boolean[] {true, false}) {
            Map<String, Tensor> sd = semanticStateDict(net, bias);
            assertEquals(bias, sd.containsKey("_model_backbone.encoder.layer2.0.downsample.0.bias"));
            Networks.build("x.ckpt", sd, semanticHp(net), Device.cpu(), true).close();
        }
    }

    @Test
    void rejects2dAndMaxPoolForDense() {
        Map<String, Object> net = network("basic", "fpn", false);
        Map<String, Tensor> sd = semanticStateDict(net, true);
        Map<String, Object> two = new LinkedHashMap<>(net);
        two.put("spatial_dims", 2L);
        CryosiamUserException e = assertThrows(CryosiamUserException.class,
                () -> Networks.build("x.ckpt", sd, semanticHp(two), Device.cpu(), true));
        assertTrue(e.getMessage().contains("spatial_dims is 2"), e.getMessage());
        Map<String, Object> pool = new LinkedHashMap<>(net);
        pool.put("no_max_pool", false);
        e = assertThrows(CryosiamUserException.class,
                () -> Networks.build("x.ckpt", sd, semanticHp(pool), Device.cpu(), true));
        assertTrue(e.getMessage().contains("not supported for dense prediction"), e.getMessage());
    }

    /**
     * What the memory plan and the patch check read from the architecture: the widest map at full resolution (here
     * the decoder's 8 channels, wider than the encoder's 4 and the heads' 6), the live maps per sample in units of it,
     * and the downsampling of the deepest level (three stride-2 stages; BiFPN's extra level).
     */
    @Test
    void theWidestMapAndTheDownsamplingComeFromTheArchitecture() {
        for (String decoder : List.of("fpn", "bifpn")) {
            Map<String, Object> net = network("basic", decoder, false);
            try (Network n = Networks.build("x.ckpt", semanticStateDict(net, true), semanticHp(net), Device.cpu(),
                    true)) {
                assertEquals(16L * 16 * 16 * 8 * 4, n.sampleActivationBytes(new int[] {16, 16, 16}));
                assertEquals(decoder.equals("bifpn") ? 9 : 6, n.activationFactor());
                assertEquals(decoder.equals("bifpn") ? 16 : 8, n.downsampling());
            }
        }
    }

    @Test
    void bifpnChecksPatchSizeAndFreesIntermediates() {
        Map<String, Object> net = network("basic", "bifpn", false);
        Map<String, Tensor> sd = semanticStateDict(net, true);
        try (Network n = Networks.build("x.ckpt", sd, semanticHp(net), Device.cpu(), true);
                NDManager in = m.newSubManager()) {
            CryosiamUserException e = assertThrows(CryosiamUserException.class, () -> n.checkPatchSize(16, 24, 32));
            assertTrue(e.getMessage().contains("divisible by 16"), e.getMessage());
            n.checkPatchSize(16, 32, 48);
            NDArray x = in.randomNormal(new Shape(1, 1, 16, 32, 16));
            n.forward(x).values().forEach(NDArray::close); // the first pass folds BatchNorms into convolutions, once
            int weights = ((BaseNDManager) n.manager()).getManagedArrays().size();
            for (int i = 0; i < 3; i++) {
                Map<String, NDArray> out = n.forward(x);
                assertEquals(new Shape(1, 3, 16, 32, 16), out.get("semantic").getShape());
                out.values().forEach(NDArray::close);
            }
            assertEquals(weights, ((BaseNDManager) n.manager()).getManagedArrays().size(), "weights manager grew");
            assertEquals(1, ((BaseNDManager) in).getManagedArrays().size(), "input manager holds intermediates");
        }
    }

    @Test
    void simsiamWithMaxPoolAndBackboneOnly() {
        Map<String, Object> net = network("basic", "fpn", false);
        net.put("no_max_pool", false);
        Network.Root root = new Network.Root();
        ResNetEncoder.Spec es = new ResNetEncoder.Spec(false, new int[] {1, 2, 1, 1}, new int[] {4, 8, 8, 16}, 1,
                false);
        root.add("_model", new SimSiam(new SimSiam.Spec(es, 12, 6), i -> true));
        Map<String, Tensor> sd = new LinkedHashMap<>();
        fill(root, sd, new Random(2));
        Map<String, Object> hp = Map.of("config", wrap(Map.of("dim", 12L)), "backbone_config", wrap(net));
        try (Network n = Networks.build("e.ckpt", sd, hp, Device.cpu(), true)) {
            assertEquals(ModelKind.EMBEDDING, n.kind());
            Map<String, NDArray> out = n.forward(m.randomNormal(new Shape(3, 1, 12, 12, 12)));
            assertEquals(new Shape(3, 12), out.get("z").getShape());
            NDArray norms = out.get("p").pow(2).sum(new int[] {1}).sqrt();
            for (float f : norms.toFloatArray()) {
                assertEquals(1f, f, 1e-5f);
            }
        }
        // contrastive: false reads `config`, which here lacks the encoder keys
        CryosiamUserException e = assertThrows(CryosiamUserException.class,
                () -> Networks.build("e.ckpt", sd, hp, Device.cpu(), false));
        assertTrue(e.getMessage().contains("hyper_parameters.config.parameters.network.block_type is missing"),
                e.getMessage());
    }

    @Test
    void unknownStateDict() {
        Map<String, Tensor> sd = Map.of("foo.weight", Tensor.ofFloats(new int[] {1}, new float[] {1}));
        CryosiamUserException e = assertThrows(CryosiamUserException.class,
                () -> Networks.build("x.ckpt", sd, Map.of(), Device.cpu(), true));
        assertTrue(e.getMessage().startsWith("x.ckpt: the state_dict holds no CryoSiam network"), e.getMessage());
    }

    @Test
    void trainingModeHasGradientsAndUpdatesRunningStats() {
        Map<String, Object> net = network("basic", "fpn", false);
        Map<String, Tensor> sd = semanticStateDict(net, true);
        try (Network n = Networks.build("x.ckpt", sd, semanticHp(net), Device.cpu(), true)) {
            Map<String, Param> params = n.root().learnableParameters();
            Param w = params.get("_model.semantic_head.0.weight");
            assertNotNull(w);
            assertFalse(params.containsKey("_model_backbone.global_projector.6.weight"), "shared fc listed once");
            params.values().forEach(p -> {
                if (p.value() != null) {
                    p.value().setRequiresGradient(true);
                }
            });
            Param rm = null;
            for (Module.Entry e : n.root().stateEntries()) {
                if (e.name().equals("_model_backbone.encoder.bn1.running_mean")) {
                    rm = e.param();
                }
            }
            float before = rm.value().getFloat(0);
            n.setTraining(true);
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                Map<String, NDArray> out = n.forward(m.randomNormal(new Shape(2, 1, 8, 8, 8)));
                gc.backward(out.get("semantic").sum());
            }
            assertTrue(w.value().getGradient().abs().sum().getFloat() > 0, "no gradient reached the head");
            assertTrue(before != rm.value().getFloat(0), "running mean not updated");
            n.setTraining(false);
        }
    }

    @Test
    void devices() {
        assertEquals(Device.cpu(), Devices.parse("cpu"));
        assertThrows(CryosiamUserException.class, () -> Devices.parse("tpu"));
        if (Devices.gpuCount() == 0) {
            CryosiamUserException e = assertThrows(CryosiamUserException.class, () -> Devices.parse("cuda:0"));
            assertTrue(e.getMessage().contains("CUDA is not available"), e.getMessage());
        } else {
            assertEquals(Device.gpu(0), Devices.parse("cuda"));
            assertThrows(CryosiamUserException.class, () -> Devices.parse("cuda:99"));
        }
    }
}
