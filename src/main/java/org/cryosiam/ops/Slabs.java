package org.cryosiam.ops;

import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * Splitting work over the common {@link java.util.concurrent.ForkJoinPool}: a range of {@code n} items (planes,
 * rows, lines) is cut into contiguous chunks, one task per chunk. Results never depend on the split.
 */
final class Slabs {
    private Slabs() {
    }

    /** Number of chunks worth making for {@code n} items of roughly {@code workPerItem} voxels each. */
    static int chunks(int n, long workPerItem) {
        int threads = Runtime.getRuntime().availableProcessors();
        if (threads <= 1 || (long) n * workPerItem < 65_536) {
            return 1;
        }
        return Math.max(1, Math.min(n, threads * 4));
    }

    /** Runs {@code body.accept(i)} for i in [0, n), chunked; sequential when it does not pay. */
    static void forEach(int n, long workPerItem, IntConsumer body) {
        int chunks = chunks(n, workPerItem);
        if (chunks <= 1) {
            for (int i = 0; i < n; i++) {
                body.accept(i);
            }
            return;
        }
        IntStream.range(0, chunks).parallel().forEach(c -> {
            int lo = (int) ((long) n * c / chunks);
            int hi = (int) ((long) n * (c + 1) / chunks);
            for (int i = lo; i < hi; i++) {
                body.accept(i);
            }
        });
    }

    /** Runs {@code body.accept(lo, hi)} over contiguous chunks of [0, n); chunk k covers [lo_k, hi_k). */
    static void forChunks(int n, long workPerItem, ChunkBody body) {
        int chunks = chunks(n, workPerItem);
        if (chunks <= 1) {
            body.run(0, n);
            return;
        }
        IntStream.range(0, chunks).parallel().forEach(c -> body.run((int) ((long) n * c / chunks),
                (int) ((long) n * (c + 1) / chunks)));
    }

    @FunctionalInterface
    interface ChunkBody {
        void run(int lo, int hi);
    }

    /** Checks a flat array against a shape and returns the voxel count. */
    static int size(int length, int nz, int ny, int nx) {
        if (nz < 0 || ny < 0 || nx < 0) {
            throw new IllegalArgumentException("negative shape " + nz + "x" + ny + "x" + nx);
        }
        long n = (long) nz * ny * nx;
        if (n != length) {
            throw new IllegalArgumentException("shape " + nz + "x" + ny + "x" + nx + " needs " + n
                    + " voxels, got " + length);
        }
        return (int) n;
    }
}
