package org.cryosiam.nn;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import ai.djl.ndarray.NDArray;

/**
 * The task heads on the dense features {@code z}: named {@link HeadStack}s, each giving one raw output (before any
 * activation). {@code CNNHead} = {@code cnn_head → denoise}; {@code SemanticHeads} = {@code semantic_head →
 * semantic} and optionally {@code distance_head → distance}; {@code InstanceHeads} = {@code foreground_head →
 * foreground}, {@code distance_head → distance}, {@code boundary_head → boundary}.
 */
public final class Heads extends Module {
    private final Map<String, HeadStack> byOutput = new LinkedHashMap<>();

    /** Adds a stack stored as {@code stateName} whose result is reported as {@code outputName}. */
    public Heads add(String stateName, String outputName, HeadStack.Spec spec) {
        byOutput.put(outputName, child(stateName, new HeadStack(spec)));
        return this;
    }

    public Map<String, HeadStack> stacks() {
        return Collections.unmodifiableMap(byOutput);
    }

    /** Every head on {@code z}, by output name, in the reference's order. */
    public Map<String, NDArray> forward(NDArray z) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        byOutput.forEach((name, h) -> out.put(name, h.forward(z)));
        return out;
    }
}
