package org.cryosiam.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.cryosiam.io.PlaneReader;
import org.cryosiam.log.Progress;
import org.cryosiam.volume.Volume;
import org.junit.jupiter.api.Test;

/** The streamed sliding window: bounded planes in memory, slabs in order, the same maps as the whole volume. */
class StreamingWindowTest {
    private static float[] formula(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) Math.sin(i * 0.37) * 3 + (i % 17);
        }
        return v;
    }

    /** A reader that notes the planes it serves. */
    private static final class CountingReader implements PlaneReader {
        final PlaneReader in;
        final List<Integer> reads = new ArrayList<>();

        CountingReader(float[] data, int[] shape) {
            in = PlaneReader.of(data, shape);
        }

        @Override
        public int[] shape() {
            return in.shape();
        }

        @Override
        public void read(int z, float[] dst) {
            reads.add(z);
            in.read(z, dst);
        }

        @Override
        public void close() {
        }
    }

    @Test
    void slabsComeInOrderCoverEveryPlaneOnceAndEqualTheWholeVolumeRun() {
        check(new int[] {75, 20, 23}, new int[] {16, 8, 8});
    }

    /** 128 planes, 32-plane patches: the last two rows both keep everything up to the end (they overlap). */
    @Test
    void overlappingLastRowsGiveTheLaterRowsValues() {
        check(new int[] {128, 9, 10}, new int[] {32, 8, 8});
        check(new int[] {40, 9, 10}, new int[] {32, 8, 8});
    }

    private static void check(int[] shape, int[] patch) {
        float[] data = formula(shape[0] * shape[1] * shape[2]);
        Volume v = new Volume(data.clone(), shape[0], shape[1], shape[2]);
        GridTiler tiler = new GridTiler(shape, patch);
        Volume[] whole = SlidingWindow.run(v, patch, 3, SlidingWindowTest.startCoded(tiler, 2), null,
                Progress.silent());

        CountingReader reader = new CountingReader(data, shape);
        int plane = shape[1] * shape[2];
        float[][] streamed = new float[2][data.length];
        int[] next = {0};
        int[] widest = {0};
        SlidingWindow.run(reader, patch, 3, SlidingWindowTest.startCoded(tiler, 2), null, Progress.silent(),
                (z0, z1, maps) -> {
                    assertEquals(next[0], z0, "slabs follow one another");
                    assertTrue(z1 > z0);
                    widest[0] = Math.max(widest[0], z1 - z0);
                    for (int k = 0; k < 2; k++) {
                        assertEquals((z1 - z0) * plane, maps[k].length);
                        System.arraycopy(maps[k], 0, streamed[k], z0 * plane, maps[k].length);
                    }
                    next[0] = z1;
                });
        assertEquals(shape[0], next[0], "every plane handed out");
        assertArrayEquals(whole[0].data(), streamed[0]);
        assertArrayEquals(whole[1].data(), streamed[1]);
        assertTrue(widest[0] <= patch[0], "a slab is at most one patch deep, was " + widest[0]);
        // each plane is read once, except the first planes the last row wraps around to
        Set<Integer> distinct = new HashSet<>(reader.reads);
        assertEquals(shape[0], distinct.size());
        assertTrue(reader.reads.size() <= shape[0] + patch[0], "planes read " + reader.reads.size());
    }

    /** A file is read front to back: each plane once, in order, whatever the batch. */
    @Test
    void planesAreReadOnceInOrder() {
        int[] shape = {200, 8, 8};
        int[] patch = {8, 8, 8};
        float[] data = formula(shape[0] * 64);
        CountingReader reader = new CountingReader(data, shape);
        SlidingWindow.run(reader, patch, 5, SlidingWindowTest.identity(), null, Progress.silent(), (z0, z1, m) -> {
        });
        List<Integer> r = reader.reads;
        for (int i = 1; i < shape[0]; i++) {
            assertEquals(i, (int) r.get(i), "planes are read once, in order");
        }
    }
}
