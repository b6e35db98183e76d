package org.cryosiam.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.djl.ndarray.types.DataType;

/**
 * A network module in the manner of {@code torch.nn.Module}: it owns named tensor slots ({@link Param}) and named
 * child modules, so that its {@code state_dict} names ({@code layer1.0.conv1.weight}, …) come from one generic walk.
 * Loading, checking and saving a checkpoint are loops over {@link #stateEntries()}.
 *
 * <p>Children registered as <em>auxiliary</em> are part of the reference module (and of the checkpoint) but not of
 * the prediction path (DenseSimSiam's global projector and predictors): they are loaded and shape-checked when the
 * checkpoint has them, and not required when it does not.
 */
public abstract class Module {
    private final Map<String, Param> params = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private final Map<String, Boolean> auxiliary = new LinkedHashMap<>();
    private boolean training;
    private Bf16 bf16;

    /** One state-dict entry: full name, slot, and whether the prediction path needs it. */
    public record Entry(String name, Param param, boolean required) {
    }

    protected final Param parameter(String name, long... shape) {
        return register(name, new Param(shape, DataType.FLOAT32, false));
    }

    protected final Param buffer(String name, DataType type, long... shape) {
        return register(name, new Param(shape, type, true));
    }

    private Param register(String name, Param p) {
        if (params.put(name, p) != null) {
            throw new IllegalStateException("duplicate parameter " + name);
        }
        return p;
    }

    protected final <M extends Module> M child(String name, M module) {
        return child(name, module, false);
    }

    protected final <M extends Module> M child(String name, M module, boolean aux) {
        if (children.put(name, module) != null) {
            throw new IllegalStateException("duplicate child " + name);
        }
        auxiliary.put(name, aux);
        return module;
    }

    /** The child modules by name, in registration order. */
    public final Map<String, Module> children() {
        return Collections.unmodifiableMap(children);
    }

    /**
     * Every tensor slot under its PyTorch {@code state_dict} name, in PyTorch's order (own parameters and buffers
     * first, then each child).
     */
    public final List<Entry> stateEntries() {
        List<Entry> out = new ArrayList<>();
        collect("", true, out);
        return out;
    }

    private void collect(String prefix, boolean required, List<Entry> out) {
        params.forEach((n, p) -> out.add(new Entry(prefix + n, p, required)));
        children.forEach((n, m) -> m.collect(prefix + n + ".", required && !auxiliary.get(n), out));
    }

    /** The learnable parameters (for an optimizer), each once, by their first state-dict name. */
    public final Map<String, Param> learnableParameters() {
        Map<String, Param> out = new LinkedHashMap<>();
        for (Entry e : stateEntries()) {
            if (!e.param().isBuffer() && !out.containsValue(e.param())) {
                out.put(e.name(), e.param());
            }
        }
        return out;
    }

    /** Training mode (BatchNorm batch statistics and running-stat updates) or inference mode, recursively. */
    public final void setTraining(boolean on) {
        training = on;
        children.values().forEach(c -> c.setTraining(on));
    }

    public final boolean isTraining() {
        return training;
    }

    /** The bfloat16 conversions when inference runs in bfloat16, recursively; null for float32. */
    final void setBf16(Bf16 conversions) {
        bf16 = conversions;
        children.values().forEach(c -> c.setBf16(conversions));
    }

    /** The bfloat16 conversions, or null when this module runs in float32. */
    final Bf16 bf16() {
        return bf16;
    }
}
