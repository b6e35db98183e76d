package org.cryosiam.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Issue 28 item 7: on the CPU, small boxes are embedded many per network call (fewer barriers of libtorch's threads
 * per centre), never fewer than configured; a GPU keeps the configured batch. That the embeddings do not change is
 * checked against the reference's files by {@code EmbeddingsFromCentersTest} and {@code EmbeddingsPredictTest}.
 */
class SubtomogramEmbedderTest {
    @Test
    void smallBoxesAreGroupedOnTheCpuOnly() {
        long tiny = 16L * 16 * 16 * 8 * 4; // the fixtures' embedding model at 16³: 131 kB
        assertEquals(64, SubtomogramEmbedder.samplesPerCall(4, tiny, true));
        assertEquals(100, SubtomogramEmbedder.samplesPerCall(100, tiny, true), "never fewer than configured");
        assertEquals(4, SubtomogramEmbedder.samplesPerCall(4, tiny, false), "a GPU takes the batch as configured");
        long wide = 32L * 32 * 32 * 256 * 4; // a default-width bottleneck encoder at 32³: 34 MB
        assertEquals(4, SubtomogramEmbedder.samplesPerCall(4, wide, true));
        long middle = 32L * 32 * 32 * 8 * 4; // 1 MB: 64 MB of activations hold 10 such samples
        assertEquals(10, SubtomogramEmbedder.samplesPerCall(2, middle, true));
    }
}
