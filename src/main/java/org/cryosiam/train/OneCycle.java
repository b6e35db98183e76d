package org.cryosiam.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * PyTorch's {@code OneCycleLR} with the defaults the reference uses ({@code max_lr = lr}, {@code pct_start 0.3},
 * {@code anneal_strategy 'cos'}, {@code div_factor 25}, {@code final_div_factor 1e4}, {@code three_phase False},
 * {@code cycle_momentum True}, momentum between {@code base_momentum 0.85} and {@code max_momentum 0.95}).
 *
 * <p>Two phases: step 0 … {@code 0.3·total − 1} anneals the learning rate from {@code max_lr/25} up to {@code max_lr}
 * (momentum from 0.95 down to 0.85); from there to {@code total − 1} it anneals down to {@code max_lr/25/1e4}
 * (momentum back up to 0.95). Cosine annealing: {@code end + (start − end)/2 · (cos(π·pct) + 1)}. Optimizer step
 * {@code k} (0-based) uses {@code lr(k)}. For Adam/AdamW the cycled momentum is {@code beta1}; for SGD it is
 * {@code momentum}.
 */
public final class OneCycle {
    public static final double PCT_START = 0.3;
    public static final double DIV_FACTOR = 25;
    public static final double FINAL_DIV_FACTOR = 1e4;
    public static final double BASE_MOMENTUM = 0.85;
    public static final double MAX_MOMENTUM = 0.95;

    private final long totalSteps;
    private final double maxLr;
    private final double initialLr;
    private final double minLr;
    private final double phase1End;
    private final double phase2End;

    public OneCycle(double maxLr, long totalSteps) {
        if (totalSteps < 1) {
            throw new IllegalArgumentException("total steps must be positive, got " + totalSteps);
        }
        this.totalSteps = totalSteps;
        this.maxLr = maxLr;
        this.initialLr = maxLr / DIV_FACTOR;
        this.minLr = initialLr / FINAL_DIV_FACTOR;
        this.phase1End = PCT_START * totalSteps - 1;
        this.phase2End = totalSteps - 1;
    }

    public long totalSteps() {
        return totalSteps;
    }

    static double cos(double start, double end, double pct) {
        return end + (start - end) / 2.0 * (Math.cos(Math.PI * pct) + 1);
    }

    /** The learning rate of optimizer step {@code step} (0-based). */
    public double lr(long step) {
        return value(step, initialLr, maxLr, minLr);
    }

    /** The momentum (beta1 for Adam/AdamW) of optimizer step {@code step}. */
    public double momentum(long step) {
        return value(step, MAX_MOMENTUM, BASE_MOMENTUM, MAX_MOMENTUM);
    }

    private double value(long step, double start, double mid, double end) {
        if (step > totalSteps) {
            throw new IllegalStateException("step " + step + " is past the schedule's " + totalSteps + " steps");
        }
        // PyTorch: the first phase whose end_step >= step (or the last one); pct from the previous end
        if (step <= phase1End) {
            return cos(start, mid, step / phase1End);
        }
        return cos(mid, end, (step - phase1End) / (phase2End - phase1End));
    }

    /** The scheduler's {@code state_dict()} as PyTorch 2.x writes it (plain values), at schedule position {@code step}. */
    public Map<String, Object> stateDict(long step, boolean useBeta1) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("total_steps", totalSteps);
        List<Object> phases = new ArrayList<>();
        phases.add(phase(phase1End, "initial_lr", "max_lr", "max_momentum", "base_momentum"));
        phases.add(phase(phase2End, "max_lr", "min_lr", "base_momentum", "max_momentum"));
        s.put("_schedule_phases", phases);
        s.put("_anneal_func_type", "cos");
        s.put("cycle_momentum", true);
        s.put("use_beta1", useBeta1);
        s.put("base_lrs", List.of(initialLr));
        s.put("last_epoch", step);
        s.put("verbose", false);
        s.put("_step_count", step + 1);
        s.put("_get_lr_called_within_step", false);
        s.put("_last_lr", List.of(lr(Math.min(step, totalSteps))));
        return s;
    }

    private static Map<String, Object> phase(double end, String startLr, String endLr, String startMom, String endMom) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("end_step", end);
        p.put("start_lr", startLr);
        p.put("end_lr", endLr);
        p.put("start_momentum", startMom);
        p.put("end_momentum", endMom);
        return p;
    }

    public double maxLr() {
        return maxLr;
    }

    public double initialLr() {
        return initialLr;
    }

    public double minLr() {
        return minLr;
    }
}
