package org.cryosiam.nn;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the floating-point operations of the convolutions of the networks it is attached to
 * ({@link Network#countFlops}; 2 per multiply-add; convolutions are all but a few percent of a CryoSiam network's
 * work). Used by the benchmark to turn patches/s into GFLOP/s.
 */
public final class FlopCounter {
    private final AtomicLong flops = new AtomicLong();

    /** Counts the convolution FLOPs of {@code work} (only those of networks this counter is attached to). */
    public long count(Runnable work) {
        flops.set(0);
        work.run();
        return flops.get();
    }

    /** The FLOPs counted so far. */
    public long total() {
        return flops.get();
    }

    void add(long n) {
        flops.addAndGet(n);
    }
}
