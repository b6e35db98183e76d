package org.cryosiam.inference;

import java.util.Map;

import org.cryosiam.nn.Network;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Runs a dense {@link Network} as a {@link PatchPredictor}: each batch lives in its own native-memory scope that is
 * closed before the next one, so memory stays flat over thousands of patches.
 */
public final class NetworkPredictor implements PatchPredictor, AutoCloseable {
    /** Turns the network's raw outputs for one batch into the {@code [B, C, D, H, W]} maps to stitch. */
    @FunctionalInterface
    public interface Maps {
        NDArray of(Map<String, NDArray> outputs);
    }

    /** A sample whose widest activation holds this much runs alone on the CPU (see {@link #samplesPerPass}). */
    private static final long ONE_AT_A_TIME_BYTES = 64L << 20;

    private final long oneAtATimeBytes;
    private final Network network;
    private final int channels;
    private final Maps maps;
    private final NDManager base;

    /**
     * @param channels how many channels {@code maps} returns per patch
     */
    public NetworkPredictor(Network network, int channels, Maps maps) {
        this(network, channels, maps, ONE_AT_A_TIME_BYTES);
    }

    NetworkPredictor(Network network, int channels, Maps maps, long oneAtATimeBytes) {
        this.oneAtATimeBytes = oneAtATimeBytes;
        this.network = network;
        this.channels = channels;
        this.maps = maps;
        this.base = NDManager.newBaseManager(network.device());
    }

    /** The raw output of one head (e.g. {@code denoise}), unchanged. */
    public static NetworkPredictor rawHead(Network network, String head, int channels) {
        return new NetworkPredictor(network, channels, out -> out.get(head));
    }

    @Override
    public int outputChannels() {
        return channels;
    }

    @Override
    public float[] predict(float[] input, int batch, int[] patchSize) {
        int step = samplesPerPass(batch, patchSize);
        if (step == batch) {
            return run(input, batch, patchSize);
        }
        int in = input.length / batch;
        int out = channels * patchSize[0] * patchSize[1] * patchSize[2];
        float[] maps = new float[batch * out];
        for (int first = 0; first < batch; first += step) {
            int n = Math.min(step, batch - first);
            float[] part = run(java.util.Arrays.copyOfRange(input, first * in, (first + n) * in), n, patchSize);
            System.arraycopy(part, 0, maps, first * out, part.length);
        }
        return maps;
    }

    /**
     * How many of a batch's samples go through the network together. On the CPU a sample whose widest activation
     * holds 64 MB or more keeps every core busy by itself, so the samples run one at a
     * time: the same work, and the peak memory of one sample instead of the whole batch (the default-width denoiser at
     * 64³: 2.5 GB instead of 4.3 GB at batch 2, within 3 % of the CPU time). GPUs take the batch as configured.
     */
    int samplesPerPass(int batch, int[] patchSize) {
        return oneSampleAtATime(patchSize) ? 1 : batch;
    }

    /** Whether the samples of a batch of such patches go through the network one at a time. */
    public boolean oneSampleAtATime(int[] patchSize) {
        boolean cpu = "cpu".equals(network.device().getDeviceType());
        return cpu && network.sampleActivationBytes(patchSize) >= oneAtATimeBytes;
    }

    /**
     * The memory plan for streaming a tomogram of {@code shape} through this predictor (see {@link MemoryPlan}).
     *
     * @param keptChannels channels stitched into slabs
     * @param keptBytes    maps the caller keeps whole
     * @param fileBytes    what the tomogram's reader and the output writers hold besides planes and slabs
     * @param file         the tomogram, named by a refusal
     * @param origin       where {@code budget} came from, for a refusal
     */
    public MemoryPlan plan(int[] shape, int[] patchSize, int configuredBatch, int keptChannels, long keptBytes,
            long fileBytes, long budget, Object file, String origin) {
        MemoryPlan.Workload w = new MemoryPlan.Workload(shape, patchSize, channels, keptChannels, keptBytes,
                network.weightBytes(), network.sampleActivationBytes(patchSize), !oneSampleAtATime(patchSize),
                network.activationFactor(), fileBytes);
        return MemoryPlan.choose(w, configuredBatch, budget, Runtime.getRuntime().maxMemory(), file, origin);
    }

    private float[] run(float[] input, int batch, int[] patchSize) {
        try (NDManager m = base.newSubManager()) {
            NDArray x = m.create(input, new Shape(batch, network.inChannels(), patchSize[0], patchSize[1], patchSize[2]));
            NDArray y = maps.of(network.forward(x, m));
            long expected = (long) batch * channels * patchSize[0] * patchSize[1] * patchSize[2];
            if (y.size() != expected) {
                throw new IllegalStateException("network maps have shape " + y.getShape() + ", expected " + batch
                        + " x " + channels + " x patch");
            }
            return y.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
        }
    }

    @Override
    public void close() {
        base.close();
    }
}
