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

    private final Network network;
    private final int channels;
    private final Maps maps;
    private final NDManager base;

    /**
     * @param channels how many channels {@code maps} returns per patch
     */
    public NetworkPredictor(Network network, int channels, Maps maps) {
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
