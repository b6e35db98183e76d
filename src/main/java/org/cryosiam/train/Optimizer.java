package org.cryosiam.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.checkpoint.Tensor;
import org.cryosiam.nn.Param;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;

/**
 * SGD, Adam and AdamW with PyTorch's update rules (torch.optim, single-tensor path, defaults {@code betas (·, 0.999)},
 * {@code eps 1e-8}, no amsgrad, no nesterov, dampening 0), applied in place to the parameters' values:
 * <ul>
 * <li>AdamW: {@code p ← p·(1 − lr·wd)}; {@code m ← β1·m + (1−β1)·g}; {@code v ← β2·v + (1−β2)·g²};
 * {@code p ← p − lr/(1−β1^t) · m / (√v/√(1−β2^t) + eps)}.</li>
 * <li>Adam: the same with {@code g ← g + wd·p} instead of the decoupled decay.</li>
 * <li>SGD: {@code g ← g + wd·p}; {@code b ← g} at the first step, else {@code b ← μ·b + g}; {@code p ← p − lr·b}.</li>
 * </ul>
 * β1 (Adam) and μ (SGD) are passed per step because the one-cycle schedule cycles them. A parameter is updated only
 * when it is in the trained set (frozen parts are left out, as the reference leaves them without gradients).
 */
public final class Optimizer {
    /** The optimiser names of the config's {@code hyper_parameters.optimizer}. */
    public enum Kind {
        SGD, ADAM, ADAMW;

        public static Kind parse(String name) {
            switch (name == null ? "adamw" : name.toLowerCase(Locale.ROOT)) {
                case "sgd": return SGD;
                case "adam": return ADAM;
                case "adamw": return ADAMW;
                default:
                    throw new CryosiamUserException("hyper_parameters.optimizer is '" + name
                            + "', expected one of sgd, adam, adamw");
            }
        }
    }

    public static final double BETA2 = 0.999;
    public static final double EPS = 1e-8;

    private final Kind kind;
    private final double weightDecay;
    /** PyTorch's parameter list (index = position in the optimizer's param_groups). */
    private final List<String> order;
    /** Trained parameters by name (a subset of {@link #order}). */
    private final Map<String, Param> trained;
    private final Map<String, Slot> slots = new LinkedHashMap<>();
    private final NDManager manager;

    /** Per-parameter state: step count and moments (Adam) or momentum buffer (SGD). */
    private static final class Slot {
        long step;
        NDArray m;
        NDArray v;
    }

    /**
     * @param order the parameter names in PyTorch's order for the optimizer's {@code params} indices
     * @param trained the parameters to update, by name (each in {@code order})
     * @param manager owns the optimizer state (moments)
     */
    public Optimizer(Kind kind, double weightDecay, List<String> order, Map<String, Param> trained,
            NDManager manager) {
        this.kind = kind;
        this.weightDecay = weightDecay;
        this.order = List.copyOf(order);
        this.trained = new LinkedHashMap<>(trained);
        this.manager = manager;
        for (String n : trained.keySet()) {
            if (!order.contains(n)) {
                throw new IllegalArgumentException(n + " is trained but not in the parameter order");
            }
        }
    }

    public Kind kind() {
        return kind;
    }

    public Map<String, Param> trained() {
        return trained;
    }

    /** Makes every trained parameter collect gradients. */
    public void attachGradients() {
        for (Param p : trained.values()) {
            p.value().setRequiresGradient(true);
        }
    }

    /**
     * One update with the gradients collected since the last call, which are then zeroed.
     *
     * @param momentum β1 for Adam/AdamW, the momentum for SGD
     */
    public void step(double lr, double momentum) {
        for (Map.Entry<String, Param> e : trained.entrySet()) {
            NDArray p = e.getValue().value();
            Slot s = slots.computeIfAbsent(e.getKey(), k -> new Slot());
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray g = p.getGradient();
                s.step++;
                switch (kind) {
                    case ADAMW -> {
                        if (weightDecay != 0) {
                            p.muli(1 - lr * weightDecay);
                        }
                        adam(p, g, s, lr, momentum);
                    }
                    case ADAM -> adam(p, weightDecay != 0 ? g.add(p.mul(weightDecay)) : g, s, lr, momentum);
                    default -> {
                        NDArray d = weightDecay != 0 ? g.add(p.mul(weightDecay)) : g;
                        if (momentum != 0) {
                            if (s.m == null) {
                                s.m = keep(d.duplicate());
                            } else {
                                s.m.muli(momentum).addi(d);
                            }
                            d = s.m;
                        }
                        p.subi(d.mul(lr));
                    }
                }
                g.muli(0); // zero_grad (the gradient tensor is shared with the parameter)
            }
        }
    }

    private void adam(NDArray p, NDArray g, Slot s, double lr, double beta1) {
        if (s.m == null) {
            s.m = keep(p.zerosLike());
            s.v = keep(p.zerosLike());
        }
        s.m.muli(beta1).addi(g.mul(1 - beta1));
        s.v.muli(BETA2).addi(g.mul(g).mul(1 - BETA2));
        double bc1 = 1 - Math.pow(beta1, s.step);
        double bc2 = 1 - Math.pow(BETA2, s.step);
        NDArray denom = s.v.sqrt().div(Math.sqrt(bc2)).add(EPS);
        p.subi(s.m.div(denom).mul(lr / bc1));
    }

    private NDArray keep(NDArray a) {
        NDScope.unregister(a);
        a.attach(manager);
        return a;
    }

    /** Zeroes the gradients without an update (after a validation pass that collected none, or a skipped step). */
    public void zeroGradients() {
        for (Param p : trained.values()) {
            try (NDArray g = p.value().getGradient()) {
                g.muli(0);
            }
        }
    }

    /**
     * {@code optimizer.state_dict()} in PyTorch's layout: {@code state} by parameter index ({@code step},
     * {@code exp_avg}, {@code exp_avg_sq} or {@code momentum_buffer}) and one param group with the schedule's keys.
     */
    public Map<String, Object> stateDict(double lr, double momentum, OneCycle schedule) {
        Map<Object, Object> state = new LinkedHashMap<>();
        for (int i = 0; i < order.size(); i++) {
            Slot s = slots.get(order.get(i));
            if (s == null || s.m == null) {
                continue;
            }
            Map<String, Object> st = new LinkedHashMap<>();
            if (kind == Kind.SGD) {
                st.put("momentum_buffer", tensor(s.m));
            } else {
                st.put("step", Tensor.ofFloats(new int[0], new float[] {s.step}));
                st.put("exp_avg", tensor(s.m));
                st.put("exp_avg_sq", tensor(s.v));
            }
            state.put(i, st);
        }
        Map<String, Object> g = new LinkedHashMap<>();
        g.put("lr", lr);
        if (kind == Kind.SGD) {
            g.put("momentum", momentum);
            g.put("dampening", 0);
            g.put("weight_decay", weightDecay);
            g.put("nesterov", false);
        } else {
            g.put("betas", org.cryosiam.checkpoint.CheckpointWriter.Tuple.of(momentum, BETA2));
            g.put("eps", EPS);
            g.put("weight_decay", weightDecay);
            g.put("amsgrad", false);
        }
        g.put("maximize", false);
        g.put("foreach", null);
        g.put("capturable", false);
        g.put("differentiable", false);
        g.put("fused", null);
        g.put("initial_lr", schedule.initialLr());
        g.put("max_lr", schedule.maxLr());
        g.put("min_lr", schedule.minLr());
        g.put("base_momentum", OneCycle.BASE_MOMENTUM);
        g.put("max_momentum", OneCycle.MAX_MOMENTUM);
        List<Object> params = new ArrayList<>();
        for (int i = 0; i < order.size(); i++) {
            params.add(i);
        }
        g.put("params", params);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("state", state);
        out.put("param_groups", List.of(g));
        return out;
    }

    /** Restores the moments from a {@link #stateDict} read back from a checkpoint (keys as strings or numbers). */
    public void load(Map<?, ?> stateDict, String source) {
        Object st = stateDict.get("state");
        if (!(st instanceof Map<?, ?> state)) {
            throw new CryosiamUserException(source + ": optimizer_states[0] has no 'state'");
        }
        for (Map.Entry<?, ?> e : state.entrySet()) {
            int i = Integer.parseInt(String.valueOf(e.getKey()));
            if (i < 0 || i >= order.size() || !(e.getValue() instanceof Map<?, ?> ps)) {
                throw new CryosiamUserException(source + ": optimizer state " + e.getKey() + " does not fit this "
                        + "model (" + order.size() + " parameters)");
            }
            String name = order.get(i);
            Param p = trained.get(name);
            if (p == null) {
                continue; // state of a parameter that is frozen now
            }
            Slot s = new Slot();
            if (kind == Kind.SGD) {
                s.m = array(ps.get("momentum_buffer"), p, source, name);
                s.step = 1;
            } else {
                Object step = ps.get("step");
                s.step = step instanceof Tensor t ? (long) t.toDoubleArray()[0] : ((Number) step).longValue();
                s.m = array(ps.get("exp_avg"), p, source, name);
                s.v = array(ps.get("exp_avg_sq"), p, source, name);
            }
            slots.put(name, s);
        }
    }

    private NDArray array(Object t, Param p, String source, String name) {
        if (!(t instanceof Tensor tensor) || tensor.numel() != new Shape(p.shape()).size()) {
            throw new CryosiamUserException(source + ": the optimizer state of " + name + " is missing or has the "
                    + "wrong size (does the config still match the checkpoint?)");
        }
        return manager.create(tensor.toFloatArray(), new Shape(p.shape())).toDevice(p.value().getDevice(), false);
    }

    static Tensor tensor(NDArray a) {
        long[] s = a.getShape().getShape();
        int[] shape = new int[s.length];
        for (int i = 0; i < s.length; i++) {
            shape[i] = Math.toIntExact(s[i]);
        }
        return Tensor.ofFloats(shape, a.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray());
    }
}
