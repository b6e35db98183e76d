package org.cryosiam.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.checkpoint.Checkpoint;
import org.cryosiam.checkpoint.ModelKind;
import org.cryosiam.checkpoint.Tensor;
import org.cryosiam.checkpoint.TrainingConfig;
import org.cryosiam.nn.Module;
import org.cryosiam.nn.Network;
import org.cryosiam.nn.Networks;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * The model a dense training module of the reference trains: the DenseSimSiam backbone of the pretrained checkpoint
 * (its {@code _model.*} tensors become {@code _model_backbone.*}, every one carried over, including the parts dense
 * training does not touch) and fresh heads under {@code _model.*}: {@code SemanticHeads(dense_dim, out_channels)}
 * ({@code semantic_head}, {@code distance_head}), {@code CNNHead} ({@code cnn_head}, 1 channel) or
 * {@code InstanceHeads} ({@code foreground_head}, {@code distance_head}, {@code boundary_head}, 1 channel each).
 * Each head is {@code conv(k) BN ReLU conv(k) BN ReLU conv(k)} with the config's {@code filters} (default
 * {@code [32, 64]}), {@code kernel_size} (3) and {@code padding} (1), initialised as PyTorch initialises
 * {@code Conv3d} (weights and biases uniform in {@code ±1/√fan_in}) and {@code BatchNorm3d} (weight 1, bias 0,
 * running mean 0, variance 1, no batches tracked).
 */
public final class TaskModel {
    private TaskModel() {
    }

    /** The backbone config of a DenseSimSiam checkpoint ({@code hyper_parameters.config}). */
    public static Map<String, Object> backboneConfig(Checkpoint pretrained) {
        TrainingConfig c = TrainingConfig.of(pretrained, TrainingConfig.CONFIG);
        if (!c.present()) {
            throw new CryosiamUserException(pretrained.file() + ": hyper_parameters has no 'config', so it is not a "
                    + "DenseSimSiam checkpoint (pretrained_model expects dense_simsiam_pretrained.ckpt)");
        }
        return c.map();
    }

    /**
     * The initial state dict: pretrained backbone tensors renamed, fresh heads.
     *
     * @param config the training YAML ({@code parameters.network.dense_dim}, {@code out_channels}, …)
     */
    public static LinkedHashMap<String, Tensor> initialStateDict(Checkpoint pretrained, Map<String, Object> config,
            long seed) {
        return initialStateDict(pretrained.file().toString(), pretrained.stateDict(), backboneConfig(pretrained),
                config, seed);
    }

    /** {@link #initialStateDict(Checkpoint, Map, long)} from a DenseSimSiam state dict and its config. */
    public static LinkedHashMap<String, Tensor> initialStateDict(String source, Map<String, Tensor> sd,
            Map<String, Object> backboneConfig, Map<String, Object> config, long seed) {
        return initialStateDict(source, sd, backboneConfig, config, Trainer.Task.SEMANTIC, seed);
    }

    /** The initial state dict of any {@link Trainer.Task}: pretrained backbone tensors renamed, fresh heads. */
    public static LinkedHashMap<String, Tensor> initialStateDict(String source, Map<String, Tensor> sd,
            Map<String, Object> backboneConfig, Map<String, Object> config, Trainer.Task task, long seed) {
        if (Networks.detectKind(source, sd) != ModelKind.DENSE_BACKBONE) {
            throw new CryosiamUserException(source + ": pretrained_model must be a DenseSimSiam "
                    + "checkpoint (keys _model.*, like dense_simsiam_pretrained.ckpt)");
        }
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        sd.forEach((k, v) -> out.put(k.startsWith("_model.") ? "_model_backbone." + k.substring(7) : k, v));
        Map<?, ?> net = network(config);
        int denseDim = intOf(net, "dense_dim", -1);
        int bbDense = intOf(network(backboneConfig), "dense_dim", -1);
        if (denseDim != bbDense) {
            throw new CryosiamUserException("parameters.network.dense_dim is " + denseDim + " but the pretrained "
                    + "model " + source + " has dense_dim " + bbDense);
        }
        int classes = task == Trainer.Task.SEMANTIC ? intOf(net, "out_channels", -1) : 1;
        if (classes < 1) {
            throw new CryosiamUserException("parameters.network.out_channels must be a positive integer");
        }
        List<?> filters = net.get("filters") instanceof List<?> l && l.size() == 2 ? l : List.of(32, 64);
        int f0 = ((Number) filters.get(0)).intValue();
        int f1 = ((Number) filters.get(1)).intValue();
        int k = intOf(net, "kernel_size", 3);
        Random r = new Random(seed);
        String[] heads = switch (task) {
            case SEMANTIC -> new String[] {"semantic_head", "distance_head"};
            case DENOISE -> new String[] {"cnn_head"};
            case INSTANCE -> new String[] {"foreground_head", "distance_head", "boundary_head"};
        };
        for (String head : heads) {
            String p = "_model." + head + ".";
            conv(out, p + "0", denseDim, f0, k, r);
            batchNorm(out, p + "1", f0);
            conv(out, p + "3", f0, f1, k, r);
            batchNorm(out, p + "4", f1);
            conv(out, p + "6", f1, classes, k, r);
        }
        return out;
    }

    /** The Lightning {@code hyper_parameters}: {@code config} (the training YAML) and {@code backbone_config}. */
    public static Map<String, Object> hyperParameters(Map<String, Object> config, Map<String, Object> backbone) {
        Map<String, Object> hp = new LinkedHashMap<>();
        hp.put("config", config);
        hp.put("backbone_config", backbone);
        return hp;
    }

    /** Builds a semantic network with its distance head (checked against the tensors like any published model). */
    public static Network buildSemantic(String source, Map<String, Tensor> sd, Map<String, Object> hyperParameters,
            Device device) {
        Network n = Networks.build(source, sd, hyperParameters, device, true);
        if (n.kind() != ModelKind.SEMANTIC || !n.outputNames().contains("distance")) {
            n.close();
            throw new CryosiamUserException(source + ": not a semantic model with a distance head");
        }
        return n;
    }

    /**
     * The state dict to save: every tensor of the module tree under its key (shared tensors under both keys), in
     * the tree's order, then any tensor of {@code carried} that the tree does not know (kept as it was).
     */
    public static LinkedHashMap<String, Tensor> stateDict(Network n, Map<String, Tensor> carried) {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        for (Module.Entry e : n.root().stateEntries()) {
            NDArray v = e.param().value();
            if (v == null) {
                Tensor t = carried.get(e.name());
                if (t != null) {
                    out.put(e.name(), t);
                }
                continue;
            }
            long[] s = v.getShape().getShape();
            int[] shape = new int[s.length];
            for (int i = 0; i < s.length; i++) {
                shape[i] = Math.toIntExact(s[i]);
            }
            if (e.param().dataType() == DataType.INT64) {
                out.put(e.name(), Tensor.ofLongs(shape, v.toLongArray()));
            } else {
                out.put(e.name(), Tensor.ofFloats(shape, v.toType(DataType.FLOAT32, false).toFloatArray()));
            }
        }
        carried.forEach(out::putIfAbsent);
        return out;
    }

    static Map<?, ?> network(Map<String, Object> config) {
        Object p = config.get("parameters");
        Object n = p instanceof Map<?, ?> m ? m.get("network") : null;
        if (!(n instanceof Map<?, ?> net)) {
            throw new CryosiamUserException("the config has no parameters.network section");
        }
        return net;
    }

    static int intOf(Map<?, ?> m, String key, int dflt) {
        Object v = m.get(key);
        if (v == null) {
            if (dflt >= 0) {
                return dflt;
            }
            throw new CryosiamUserException("parameters.network." + key + " is missing");
        }
        if (!(v instanceof Number n)) {
            throw new CryosiamUserException("parameters.network." + key + " is " + v + ", expected an integer");
        }
        return n.intValue();
    }

    private static void conv(Map<String, Tensor> sd, String prefix, int in, int out, int k, Random r) {
        int fanIn = in * k * k * k;
        double bound = 1.0 / Math.sqrt(fanIn);
        float[] w = new float[out * fanIn];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) ((r.nextDouble() * 2 - 1) * bound);
        }
        float[] b = new float[out];
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) ((r.nextDouble() * 2 - 1) * bound);
        }
        sd.put(prefix + ".weight", Tensor.ofFloats(new int[] {out, in, k, k, k}, w));
        sd.put(prefix + ".bias", Tensor.ofFloats(new int[] {out}, b));
    }

    private static void batchNorm(Map<String, Tensor> sd, String prefix, int c) {
        float[] ones = new float[c];
        java.util.Arrays.fill(ones, 1f);
        sd.put(prefix + ".weight", Tensor.ofFloats(new int[] {c}, ones));
        sd.put(prefix + ".bias", Tensor.ofFloats(new int[] {c}, new float[c]));
        sd.put(prefix + ".running_mean", Tensor.ofFloats(new int[] {c}, new float[c]));
        sd.put(prefix + ".running_var", Tensor.ofFloats(new int[] {c}, ones.clone()));
        sd.put(prefix + ".num_batches_tracked", Tensor.ofLongs(new int[0], new long[] {0}));
    }
}
