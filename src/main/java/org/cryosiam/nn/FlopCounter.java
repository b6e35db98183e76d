package org.cryosiam.nn;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the floating-point operations of the convolutions run while enabled (2 per multiply-add; convolutions are
 * all but a few percent of a CryoSiam network's work). Used by the benchmark to turn patches/s into GFLOP/s.
 */
public final class FlopCounter {
    static volatile boolean enabled;
    private static final AtomicLong FLOPS = new AtomicLong();

    private FlopCounter() {
    }

    /** Counts the convolution FLOPs of {@code work}. */
    public static long count(Runnable work) {
        FLOPS.set(0);
        enabled = true;
        try {
            work.run();
        } finally {
            enabled = false;
        }
        return FLOPS.get();
    }

    static void add(long flops) {
        FLOPS.addAndGet(flops);
    }
}
