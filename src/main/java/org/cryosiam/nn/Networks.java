package org.cryosiam.nn;

import java.util.Arrays;
import java.util.Map;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.checkpoint.ModelKind;
import org.cryosiam.checkpoint.Checkpoint;
import org.cryosiam.checkpoint.DType;
import org.cryosiam.checkpoint.Tensor;
import org.cryosiam.checkpoint.TrainingConfig;
import org.cryosiam.checkpoint.TrainingConfig.NetworkSection;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Builds a {@link Network} from a checkpoint's {@code state_dict} and {@code hyper_parameters}: detects the model
 * kind from the keys, reads the architecture from the configs (spec/checkpoints.md: which config is which), lets the
 * tensors decide where the reference does (head widths and kernel, downsample bias, presence of the semantic
 * distance head), then loads every tensor in one generic loop, checking each expected key and shape.
 */
public final class Networks {
    static final String BACKBONE = "_model_backbone.";
    static final String MODEL = "_model.";

    private Networks() {
    }

    /** {@link #build} from a loaded checkpoint, named by its file in messages. */
    public static Network fromCheckpoint(Checkpoint checkpoint, Device device, boolean contrastive) {
        return build(checkpoint.file().toString(), checkpoint.stateDict(), checkpoint.hyperParameters(), device,
                contrastive);
    }

    /** {@link #fromCheckpoint(Checkpoint, Device, boolean)} with {@code contrastive: true} (the default). */
    public static Network fromCheckpoint(Checkpoint checkpoint, Device device) {
        return fromCheckpoint(checkpoint, device, true);
    }

    /**
     * @param source the checkpoint's name for messages (usually its path)
     * @param stateDict full keys, prefixes kept
     * @param hyperParameters the Lightning {@code hyper_parameters} ({@code config}, {@code backbone_config})
     * @param contrastive for embedding models: the prediction config's {@code contrastive} (SimSiam config is then
     *        {@code backbone_config}, else {@code config}); ignored for dense models
     */
    public static Network build(String source, Map<String, Tensor> stateDict, Map<String, Object> hyperParameters,
            Device device, boolean contrastive) {
        ModelKind kind = detectKind(source, stateDict);
        Network.Root root = new Network.Root();
        DenseSimSiam backbone = null;
        Heads heads = null;
        SimSiam simsiam = null;
        int inChannels;
        switch (kind) {
            case DENOISING, SEMANTIC, INSTANCE -> {
                NetworkSection bc = TrainingConfig.of(source, hyperParameters, TrainingConfig.BACKBONE).network();
                NetworkSection hc = TrainingConfig.of(source, hyperParameters, TrainingConfig.CONFIG).network();
                hc.requireSpatial3d();
                backbone = root.add("_model_backbone", denseBackbone(source, bc, stateDict, BACKBONE));
                heads = root.add("_model", heads(kind, hc, stateDict, backbone.spec().denseDim()));
                inChannels = backbone.spec().encoder().inChannels();
            }
            case DENSE_BACKBONE -> {
                NetworkSection c = TrainingConfig.of(source, hyperParameters, TrainingConfig.CONFIG).network();
                backbone = root.add("_model", denseBackbone(source, c, stateDict, MODEL));
                inChannels = backbone.spec().encoder().inChannels();
            }
            default -> {
                TrainingConfig first = TrainingConfig.of(source, hyperParameters,
                        contrastive ? TrainingConfig.BACKBONE : TrainingConfig.CONFIG);
                TrainingConfig other = TrainingConfig.of(source, hyperParameters,
                        contrastive ? TrainingConfig.CONFIG : TrainingConfig.BACKBONE);
                NetworkSection c = (first.present() || !other.present() ? first : other).network();
                c.requireSpatial3d();
                SimSiam.Spec spec = new SimSiam.Spec(encoderSpec(c), c.integer("dim"), c.integer("pred_dim"));
                simsiam = root.add("_model", new SimSiam(spec, downsampleBias(stateDict, MODEL)));
                inChannels = spec.encoder().inChannels();
            }
        }
        NDManager manager = NDManager.newBaseManager(device, "PyTorch");
        try {
            load(source, root, stateDict, manager);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
        return new Network(kind, source, device, manager, root, backbone, heads, simsiam, inChannels);
    }

    /**
     * A DenseSimSiam backbone (under {@code _model.*}) built from a backbone config ({@code {parameters: {network:
     * ...}}}) with random weights: He-normal convolutions and linears, BatchNorm at identity. For benchmarks and as a
     * starting point for training from scratch.
     */
    public static Network randomBackbone(Map<String, Object> backboneConfig, Device device, long seed) {
        String source = "random backbone";
        NetworkSection c = TrainingConfig.of(source, Map.of("config", backboneConfig), TrainingConfig.CONFIG).network();
        Network.Root root = new Network.Root();
        DenseSimSiam backbone = root.add("_model", denseBackbone(source, c, Map.of(), MODEL));
        NDManager manager = NDManager.newBaseManager(device, "PyTorch");
        randomize(root, manager, seed);
        return new Network(ModelKind.DENSE_BACKBONE, source, device, manager, root, backbone, null, null,
                backbone.spec().encoder().inChannels());
    }

    /**
     * A SimSiam subtomogram model (under {@code _model.*}) built from a config ({@code {parameters: {network: ...}}}
     * with {@code dim} and {@code pred_dim}) with random weights as {@link #randomBackbone}: the start of training
     * from scratch. The downsampling convolutions have no bias (the published models' layout).
     */
    public static Network randomSimSiam(Map<String, Object> config, Device device, long seed) {
        String source = "random SimSiam";
        NetworkSection c = TrainingConfig.of(source, Map.of("config", config), TrainingConfig.CONFIG).network();
        c.requireSpatial3d();
        SimSiam.Spec spec = new SimSiam.Spec(encoderSpec(c), c.integer("dim"), c.integer("pred_dim"));
        Network.Root root = new Network.Root();
        SimSiam simsiam = root.add("_model", new SimSiam(spec, i -> false));
        NDManager manager = NDManager.newBaseManager(device, "PyTorch");
        randomize(root, manager, seed);
        return new Network(ModelKind.EMBEDDING, source, device, manager, root, null, null, simsiam,
                spec.encoder().inChannels());
    }

    /**
     * Gives every unset tensor a start value: He-normal convolution and linear weights, zero biases, BatchNorm at
     * identity, the BiFPN's fusion weights equal, counters 0.
     */
    private static void randomize(Network.Root root, NDManager manager, long seed) {
        java.util.Random random = new java.util.Random(seed);
        for (Module.Entry e : root.stateEntries()) {
            Param p = e.param();
            if (p.value() != null) {
                continue;
            }
            long[] shape = p.shape();
            int n = (int) new Shape(shape).size();
            if (p.dataType() == DataType.INT64) {
                p.set(manager.zeros(new Shape(shape), DataType.INT64));
                continue;
            }
            float[] v = new float[n];
            String name = e.name();
            if (name.endsWith(".w1") || name.endsWith(".w2")) {
                java.util.Arrays.fill(v, 1f); // BiFPN fusion weights: equal
            } else if (shape.length >= 2) {
                double std = Math.sqrt(2.0 / (n / shape[0]));
                for (int i = 0; i < n; i++) {
                    v[i] = (float) (random.nextGaussian() * std);
                }
            } else if (name.endsWith("running_var") || name.endsWith(".weight")) {
                java.util.Arrays.fill(v, 1f); // BatchNorm scale and variance
            }
            p.set(manager.create(v, new Shape(shape)));
        }
    }

    /** The model kind from the state-dict keys. */
    public static ModelKind detectKind(String source, Map<String, Tensor> sd) {
        ModelKind kind = ModelKind.of(sd.keySet());
        if (kind != ModelKind.UNKNOWN) {
            return kind;
        }
        if (sd.keySet().stream().anyMatch(k -> k.startsWith(BACKBONE))) {
            throw new CryosiamUserException(source + ": the checkpoint has a backbone (_model_backbone.*) but no "
                    + "known head (_model.cnn_head, _model.semantic_head or _model.foreground_head)");
        }
        throw new CryosiamUserException(source + ": the state_dict holds no CryoSiam network (expected "
                + "_model_backbone.* with a head, a DenseSimSiam or a SimSiam under _model.*)");
    }

    private static boolean hasPrefix(Map<String, Tensor> sd, String prefix) {
        return sd.keySet().stream().anyMatch(k -> k.startsWith(prefix));
    }

    private static ResNetEncoder.Spec encoderSpec(NetworkSection c) {
        String block = c.string("block_type");
        boolean bottleneck;
        if (block.equals("bottleneck")) {
            bottleneck = true;
        } else if (block.equals("basic")) {
            bottleneck = false;
        } else {
            throw c.error("block_type", "is '" + block + "', expected basic or bottleneck");
        }
        return new ResNetEncoder.Spec(bottleneck, c.intList("num_layers", 4), c.intList("num_filters", 4),
                c.integer("in_channels"), c.bool("no_max_pool"));
    }

    private static DenseSimSiam denseBackbone(String source, NetworkSection c, Map<String, Tensor> sd, String prefix) {
        c.requireSpatial3d();
        ResNetEncoder.Spec es = encoderSpec(c);
        if (!es.noMaxPool()) {
            throw new CryosiamUserException(source + ": the encoder uses max pooling (no_max_pool: false), so its "
                    + "dense output would be at half resolution; such a model is not supported for dense prediction");
        }
        String decoder = c.optString("decoder_type", "fpn");
        if (!decoder.equals("fpn") && !decoder.equals("bifpn")) {
            throw c.error("decoder_type", "is '" + decoder + "', expected fpn or bifpn");
        }
        DenseSimSiam.Spec spec = new DenseSimSiam.Spec(es, c.integer("fpn_channels"), c.integer("dim"),
                c.integer("pred_dim"), c.integer("dense_dim"), c.integer("dense_pred_dim"),
                c.optBool("include_levels_loss", false), c.optBool("add_fpn_later_conv", false), decoder,
                c.optInt("fpn_layers", 2));
        return new DenseSimSiam(spec, downsampleBias(sd, prefix));
    }

    private static java.util.function.IntPredicate downsampleBias(Map<String, Tensor> sd, String prefix) {
        return i -> sd.containsKey(prefix + "encoder.layer" + (i + 1) + ".0.downsample.0.bias");
    }

    private static Heads heads(ModelKind kind, NetworkSection hc, Map<String, Tensor> sd, int denseDim) {
        Heads h = new Heads();
        switch (kind) {
            case DENOISING -> h.add("cnn_head", "denoise", headSpec(hc, sd, "cnn_head", denseDim));
            case SEMANTIC -> {
                h.add("semantic_head", "semantic", headSpec(hc, sd, "semantic_head", denseDim));
                if (hasPrefix(sd, MODEL + "distance_head.")) {
                    h.add("distance_head", "distance", headSpec(hc, sd, "distance_head", denseDim));
                }
            }
            default -> {
                h.add("foreground_head", "foreground", headSpec(hc, sd, "foreground_head", denseDim));
                h.add("distance_head", "distance", headSpec(hc, sd, "distance_head", denseDim));
                h.add("boundary_head", "boundary", headSpec(hc, sd, "boundary_head", denseDim));
            }
        }
        return h;
    }

    /**
     * Widths and kernel of a head from its tensors (the reference's semantic prediction ignores the config's
     * {@code filters}); padding from the config when its kernel agrees, else {@code k / 2} ("same" size).
     */
    private static HeadStack.Spec headSpec(NetworkSection hc, Map<String, Tensor> sd, String name, int denseDim) {
        int[] w0 = shapeOf(hc.source(), sd, MODEL + name + ".0.weight");
        int[] w3 = shapeOf(hc.source(), sd, MODEL + name + ".3.weight");
        int[] w6 = shapeOf(hc.source(), sd, MODEL + name + ".6.weight");
        int k = w0.length == 5 ? w0[2] : 3;
        int padding = k / 2;
        Integer ck = hc.optIntOrNull("kernel_size");
        Integer cp = hc.optIntOrNull("padding");
        if (ck != null && cp != null && ck == k) {
            padding = cp;
        }
        return new HeadStack.Spec(denseDim, w0[0], w3[0], w6[0], k, padding);
    }

    private static int[] shapeOf(String source, Map<String, Tensor> sd, String key) {
        Tensor t = sd.get(key);
        if (t == null) {
            throw new CryosiamUserException(source + ": tensor " + key + " is missing from the state_dict");
        }
        return t.shape();
    }

    /**
     * The one loading loop: every required entry must be present with the exact shape; auxiliary entries are loaded
     * when present. Extra tensors in the checkpoint are ignored.
     */
    static void load(String source, Module root, Map<String, Tensor> sd, NDManager manager) {
        for (Module.Entry e : root.stateEntries()) {
            Tensor t = sd.get(e.name());
            long[] want = e.param().shape();
            if (t == null) {
                if (e.required()) {
                    throw new CryosiamUserException(source + ": tensor " + e.name() + " is missing, the config "
                            + "implies shape " + Arrays.toString(want));
                }
                continue;
            }
            int[] got = t.shape();
            if (!sameShape(got, want)) {
                throw new CryosiamUserException(source + ": " + e.name() + " has shape " + Arrays.toString(got)
                        + ", the config implies " + Arrays.toString(want));
            }
            if (e.param().value() != null) {
                continue; // shared with an earlier key (encoder.fc = global_projector.6)
            }
            NDArray v;
            if (e.param().dataType() == DataType.INT64) {
                v = manager.create(t.toLongArray(), new Shape(want));
            } else {
                if (!t.dtype().isFloating()) {
                    throw new CryosiamUserException(source + ": " + e.name() + " has element type " + t.dtype()
                            + ", expected a floating-point tensor");
                }
                // float32 is used as stored, without a copy through the Java heap
                v = t.dtype() == DType.FLOAT32
                        ? manager.create(t.bytes(), new Shape(want), DataType.FLOAT32)
                        : manager.create(t.toFloatArray(), new Shape(want));
            }
            e.param().set(v);
        }
    }

    private static boolean sameShape(int[] got, long[] want) {
        if (got.length != want.length) {
            return false;
        }
        for (int i = 0; i < got.length; i++) {
            if (got[i] != want[i]) {
                return false;
            }
        }
        return true;
    }
}
