package org.cryosiam.nn;

/**
 * libtorch's thread pools, sized before the engine starts. Intra-op threads = the cores this process may use
 * (Java's count follows cgroup CPU quotas and the affinity mask, where libtorch counts the machine's cores);
 * inter-op threads = 1, since nothing here runs operators concurrently. The Java threads that cut and stitch
 * patches work while the network waits for them or between batches, so they do not compete for these cores. A
 * user's {@code OMP_NUM_THREADS} or DJL's {@code ai.djl.pytorch.num_threads} property wins.
 */
public final class Threads {
    static final String INTRA = "ai.djl.pytorch.num_threads";
    static final String INTER = "ai.djl.pytorch.num_interop_threads";

    private Threads() {
    }

    /** Sets DJL's thread properties unless the user did; call before the first use of the engine. */
    public static void configure() {
        if (System.getProperty(INTRA) == null && System.getenv("OMP_NUM_THREADS") == null) {
            System.setProperty(INTRA, Integer.toString(Runtime.getRuntime().availableProcessors()));
        }
        if (System.getProperty(INTER) == null) {
            System.setProperty(INTER, "1");
        }
    }
}
