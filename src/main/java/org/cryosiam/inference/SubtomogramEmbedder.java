package org.cryosiam.inference;

import java.util.Map;
import java.util.function.IntFunction;

import org.cryosiam.nn.Network;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Runs a SimSiam embedding {@link Network} over subtomograms in batches: each box is fitted to the patch size
 * ({@link SubtomogramPatches#fit}), a batch is one {@code [B, 1, P_z, P_y, P_x]} array, and the embedding is the
 * normalised predictor output {@code p} when {@code contrastive}, else the encoder output {@code z}
 * (spec/networks.md). Boxes are cut lazily, one batch at a time, and every batch's native memory is released before
 * the next, so memory does not grow with the number of particles.
 */
public final class SubtomogramEmbedder implements AutoCloseable {
    private final Network network;
    private final int[] patch;
    private final int batchSize;
    private final String output;
    private final NDManager base;

    public SubtomogramEmbedder(Network network, int[] patch, int batchSize, boolean contrastive) {
        this.network = network;
        this.patch = patch.clone();
        this.batchSize = samplesPerCall(batchSize, network.sampleActivationBytes(patch),
                "cpu".equals(network.device().getDeviceType()));
        this.output = contrastive ? "p" : "z";
        this.base = NDManager.newBaseManager(network.device());
    }

    /** Samples a CPU call may hold beyond the configured batch, and the activations they may take together. */
    static final int MAX_SAMPLES_PER_CALL = 64;
    static final long CALL_ACTIVATION_BYTES = 64L << 20;

    /**
     * Samples per network call. On the CPU, small boxes are grouped up to {@link #MAX_SAMPLES_PER_CALL} per call while
     * their widest activations stay within {@link #CALL_ACTIVATION_BYTES}: each layer of a call ends in a barrier of
     * libtorch's threads, and with a few 16³ boxes per call the barriers were the work (2 000 centres of the fixtures'
     * model at batch 4 took 30 s on a 2-core machine with two other busy processes, 11 s at 64 per call). In
     * inference every sample goes through the network by itself, so the grouping changes no embedding; the
     * configured batch is kept on a GPU, where it is the user's memory choice, and where it is larger.
     */
    static int samplesPerCall(int configured, long sampleActivationBytes, boolean cpu) {
        if (!cpu) {
            return configured;
        }
        long fit = CALL_ACTIVATION_BYTES / Math.max(1, 6 * sampleActivationBytes);
        return (int) Math.max(configured, Math.min(MAX_SAMPLES_PER_CALL, fit));
    }

    /** The length of one embedding. */
    public int dim() {
        return network.zChannels();
    }

    /**
     * Embeds {@code count} boxes, {@code boxes.apply(i)} giving the i-th; returns {@code [dim][count]} in float64, the
     * layout of {@code <stem>_embeds.h5}.
     */
    public double[][] embed(int count, IntFunction<SubtomogramPatches.Box> boxes) {
        int dim = dim();
        double[][] out = new double[dim][count];
        int voxels = patch[0] * patch[1] * patch[2];
        for (int start = 0; start < count; start += batchSize) {
            int b = Math.min(batchSize, count - start);
            float[] input = new float[b * voxels];
            for (int i = 0; i < b; i++) {
                SubtomogramPatches.fit(boxes.apply(start + i), patch, input, i * voxels);
            }
            try (NDManager m = base.newSubManager()) {
                NDArray x = m.create(input, new Shape(b, network.inChannels(), patch[0], patch[1], patch[2]));
                Map<String, NDArray> y = network.forward(x, m);
                float[] e = y.get(output).toType(DataType.FLOAT32, false).toFloatArray();
                if (e.length != b * dim) {
                    throw new IllegalStateException("embedding output has " + e.length + " values, expected " + b * dim);
                }
                for (int i = 0; i < b; i++) {
                    for (int d = 0; d < dim; d++) {
                        out[d][start + i] = e[i * dim + d];
                    }
                }
            }
        }
        return out;
    }

    @Override
    public void close() {
        base.close();
    }
}
