package org.cryosiam.nn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.cryosiam.checkpoint.ModelKind;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;

/**
 * A loaded CryoSiam network on one device: the module tree under the checkpoint's own key names
 * ({@code _model_backbone.*}, {@code _model.*}), its weights (owned by this object's manager, float32) and a forward
 * pass that returns the raw outputs by name.
 *
 * <ul>
 * <li>{@link ModelKind#DENOISING}: {@code z}, {@code denoise}</li>
 * <li>{@link ModelKind#SEMANTIC}: {@code z}, {@code semantic}, and {@code distance} when the model has that head</li>
 * <li>{@link ModelKind#INSTANCE}: {@code z}, {@code foreground}, {@code distance}, {@code boundary}</li>
 * <li>{@link ModelKind#DENSE_BACKBONE}: {@code z}</li>
 * <li>{@link ModelKind#EMBEDDING}: {@code z} ({@code N × dim}), {@code p} (normalised predictor output)</li>
 * </ul>
 * Not thread-safe: one forward at a time per instance.
 */
public final class Network implements AutoCloseable {
    /** The root of the module tree: children named by the checkpoint's prefixes. */
    public static final class Root extends Module {
        <M extends Module> M add(String name, M m) {
            return child(name, m);
        }
    }

    private final ModelKind kind;
    private final String source;
    private final Device device;
    private final NDManager manager;
    private final Root root;
    private final DenseSimSiam backbone;
    private final Heads heads;
    private final SimSiam simsiam;
    private final int inChannels;
    private Bf16 bf16;
    private boolean predictOnly;

    Network(ModelKind kind, String source, Device device, NDManager manager, Root root, DenseSimSiam backbone,
            Heads heads, SimSiam simsiam, int inChannels) {
        this.kind = kind;
        this.source = source;
        this.device = device;
        this.manager = manager;
        this.root = root;
        this.backbone = backbone;
        this.heads = heads;
        this.simsiam = simsiam;
        this.inChannels = inChannels;
    }

    public ModelKind kind() {
        return kind;
    }

    /** The checkpoint this network came from, as named in messages. */
    public String source() {
        return source;
    }

    public Device device() {
        return device;
    }

    /** The manager that owns the weights. */
    public NDManager manager() {
        return manager;
    }

    /** The module tree; {@code root().stateEntries()} lists every tensor under its full checkpoint key. */
    public Root root() {
        return root;
    }

    public int inChannels() {
        return inChannels;
    }

    /** The names {@link #forward} returns, in order. */
    public List<String> outputNames() {
        List<String> out = new ArrayList<>();
        out.add("z");
        if (heads != null) {
            out.addAll(heads.stacks().keySet());
        }
        if (simsiam != null) {
            out.add("p");
        }
        return out;
    }

    /** The number of channels of {@code z} (dense_dim, or dim for SimSiam). */
    public int zChannels() {
        return backbone != null ? backbone.spec().denseDim() : simsiam.spec().dim();
    }

    /** Throws a user error when a patch of this size ({@code z, y, x}) cannot run through the network. */
    public void checkPatchSize(long... zyx) {
        if (backbone != null) {
            backbone.decoder().checkPatchSize(zyx);
        }
    }

    /** Training mode (BatchNorm batch statistics, running-stat updates) or inference mode (the default). */
    public void setTraining(boolean on) {
        if (on && predictOnly) {
            throw new IllegalStateException("a predict-only network cannot train: its weights hold folded BatchNorms");
        }
        root.setTraining(on);
    }

    /**
     * For networks that only predict (the prediction commands): each BatchNorm is folded into its convolution's own
     * weight array at the first pass, so the unfolded weights are not kept beside the folded ones (200 MB for the
     * default-width denoiser). Training and unfolded inference are refused from then on.
     */
    public void predictOnly() {
        predictOnly = true;
        forEachConvolution(root, Conv3dLayer::setFoldInPlace);
    }

    /**
     * Inference folds every BatchNorm that follows a convolution into it (the default); off runs them as separate
     * layers, exactly the reference's sequence of operations (the benchmark's baseline).
     */
    public void setBatchNormFolding(boolean on) {
        if (!on && predictOnly) {
            throw new IllegalStateException("a predict-only network has its BatchNorms folded into its weights");
        }
        forEachConvolution(root, c -> c.setFoldBatchNorm(on));
    }

    /** Counts the FLOPs of this network's convolutions in {@code counter} from now on (null: stops counting). */
    public void countFlops(FlopCounter counter) {
        forEachConvolution(root, c -> c.countFlops(counter));
    }

    private static void forEachConvolution(Module m, java.util.function.Consumer<Conv3dLayer> action) {
        if (m instanceof Conv3dLayer c) {
            action.accept(c);
        }
        m.children().values().forEach(c -> forEachConvolution(c, action));
    }

    /**
     * Inference in float32 (the default) or bfloat16: the weights are converted once, the input on the way in and the
     * outputs back to float32 on the way out, so callers see float32 either way.
     */
    public void setPrecision(Precision precision) {
        precision.requireSupport(device);
        if (bf16 != null) {
            bf16.close();
            bf16 = null;
        }
        if (precision == Precision.BF16) {
            bf16 = Bf16.load(NDManager.newBaseManager(device, "PyTorch"));
        }
        root.setBf16(bf16);
    }

    public Precision precision() {
        return bf16 == null ? Precision.FP32 : Precision.BF16;
    }

    /**
     * Bytes of one sample's widest activation for a patch of this size, float32: the widest of the stem (at full
     * resolution, before any pooling) and the maps at the dense resolution (the first encoder stage, and for the
     * dense networks the decoder, the projector and the heads). How much memory each
     * further sample of a batch costs, in units of {@link #activationFactor}.
     */
    public long sampleActivationBytes(int[] patch) {
        if (backbone == null) { // SimSiam: the stem and the first stage, then ever smaller maps
            ResNetEncoder.Spec e = simsiam.spec().encoder();
            long full = (long) patch[0] * patch[1] * patch[2];
            long first = e.noMaxPool() ? full : full / 8;
            return Math.max(full * e.numFilters()[0], first * e.featureChannels(0)) * Float.BYTES;
        }
        DenseSimSiam.Spec s = backbone.spec();
        ResNetEncoder.Spec e = s.encoder();
        long full = (long) patch[0] * patch[1] * patch[2];
        long dense = e.noMaxPool() ? full : full / 8;
        int channels = Math.max(Math.max(e.featureChannels(0), s.fpnChannels()), s.denseDim());
        if (heads != null) {
            for (HeadStack h : heads.stacks().values()) {
                channels = Math.max(channels, Math.max(h.spec().filters0(), h.spec().filters1()));
            }
        }
        return Math.max(full * e.numFilters()[0], dense * channels) * Float.BYTES;
    }

    /**
     * Live activations of one sample in units of {@link #sampleActivationBytes}: 6 with an FPN decoder (fitted to
     * the default-width denoiser), 9 with a BiFPN decoder, whose blocks keep five levels and their fused copies alive
     * (measured: the fixtures' instance model at 64³ adds 146 MB of peak RSS per sample of a batch, widest map 16.8
     * MB).
     */
    public int activationFactor() {
        return backbone != null && backbone.decoder() instanceof BiFpnDecoder ? 9 : 6;
    }

    /**
     * How many times smaller than the patch the network's deepest map is along each axis: 8 from the encoder's
     * three stride-2 stages, twice that with max pooling, and twice again for a BiFPN decoder's extra level. A
     * patch smaller than this along an axis leaves the deepest levels a single voxel of mostly padding.
     */
    public int downsampling() {
        ResNetEncoder.Spec e = backbone != null ? backbone.spec().encoder() : simsiam.spec().encoder();
        int f = e.noMaxPool() ? 8 : 16;
        return backbone != null && backbone.decoder() instanceof BiFpnDecoder ? 2 * f : f;
    }

    /** Bytes of the weights and buffers as float32: the memory the network holds however it is run. */
    public long weightBytes() {
        long n = 0;
        for (Module.Entry e : root.stateEntries()) {
            long size = 1;
            for (long d : e.param().shape()) {
                size *= d;
            }
            n += size;
        }
        return n * Float.BYTES;
    }

    /** {@link #forward(NDArray, NDManager)} with the outputs attached to the input's manager. */
    public Map<String, NDArray> forward(NDArray input) {
        return forward(input, input.getManager());
    }

    /**
     * Runs the network on an {@code N × C × D × H × W} float32 batch (moved to this network's device when it is
     * elsewhere). The modules free each intermediate array as soon as it is consumed; the scope is the safety net that
     * closes whatever is left (e.g. arrays derived from the weights) before returning. The outputs stay on this
     * network's device and are attached to {@code outputs}.
     */
    public Map<String, NDArray> forward(NDArray input, NDManager outputs) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray x = input.getDevice().equals(device) ? input : input.toDevice(device, false);
            if (bf16 != null) {
                x = bf16.toBf16(x);
            }
            if (simsiam != null) {
                NDArray z = simsiam.encode(x);
                out.put("z", z);
                out.put("p", simsiam.predict(z));
            } else {
                NDArray z = backbone.forward(x);
                out.put("z", z);
                if (heads != null) {
                    out.putAll(heads.forward(z));
                }
            }
            for (Map.Entry<String, NDArray> e : out.entrySet()) {
                NDArray a = bf16 == null ? e.getValue() : bf16.toFloat32(e.getValue());
                NDScope.unregister(a);
                a.attach(outputs);
                e.setValue(a);
            }
        }
        return out;
    }

    @Override
    public void close() {
        if (bf16 != null) {
            bf16.close();
        }
        manager.close();
    }
}
