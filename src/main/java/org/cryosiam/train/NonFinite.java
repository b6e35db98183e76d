package org.cryosiam.train;

import java.util.Map;

import org.cryosiam.nn.Param;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/** The trainers' check that a step may be taken: every loss term and every gradient finite. */
final class NonFinite {
    private NonFinite() {
    }

    /** Names the non-finite one of {@code losses} (a part before the sum that holds it), or null when all are finite. */
    static String loss(double[] losses, String... names) {
        for (int i = losses.length - 1; i >= 0; i--) {
            if (!Double.isFinite(losses[i])) {
                return "a " + names[i] + " of " + losses[i];
            }
        }
        return null;
    }

    /**
     * Names the first parameter of {@code trained} whose gradient holds a NaN or an infinity, or null when none does:
     * one reduction over all gradients, the search parameter by parameter only after a failure.
     */
    static String gradient(Map<String, Param> trained, NDManager parent) {
        try (NDManager m = parent.newSubManager()) {
            NDArray total = null;
            for (Param p : trained.values()) {
                NDArray g = p.value().getGradient();
                g.attach(m);
                NDArray peak = g.abs().max(); // NaN propagates through max
                total = total == null ? peak : total.add(peak);
            }
            if (total == null || Float.isFinite(total.getFloat())) {
                return null;
            }
            for (Map.Entry<String, Param> e : trained.entrySet()) {
                NDArray g = e.getValue().value().getGradient();
                g.attach(m);
                if (!Float.isFinite(g.abs().max().getFloat())) {
                    return "a non-finite gradient of " + e.getKey() + " from finite losses";
                }
            }
            return "non-finite gradients from finite losses";
        }
    }
}
