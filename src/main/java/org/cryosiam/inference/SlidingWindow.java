package org.cryosiam.inference;

import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.cryosiam.log.Progress;
import org.cryosiam.volume.Volume;

/**
 * Dense inference over a whole (preprocessed) tomogram: cut it into the reference's patch grid ({@link GridTiler}),
 * run the predictor on batches of patches, and stitch the kept channels back into full-size maps.
 *
 * <p>The next batch is cut out on a helper thread while the predictor runs on the current one (1-deep prefetch);
 * stitching stays on the calling thread, in patch order, because later patches overwrite earlier ones.
 */
public final class SlidingWindow {
    private SlidingWindow() {
    }

    /**
     * @param volume       the preprocessed tomogram
     * @param patchSize    {@code {Pz, Py, Px}}, even
     * @param batchSize    patches per predictor call (the last call may have fewer); does not change results
     * @param predictor    the network
     * @param keepChannels the predictor channels to stitch, in the order wanted; {@code null} = all. Only these are
     *                     allocated as full volumes.
     * @param progress     told about every batch, and finished at the end
     * @return one map per kept channel, the volume's shape and voxel size; voxels no patch writes are 0
     */
    public static Volume[] run(Volume volume, int[] patchSize, int batchSize, PatchPredictor predictor,
            int[] keepChannels, Progress progress) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size " + batchSize + " must be at least 1");
        }
        GridTiler tiler = new GridTiler(volume.shape(), patchSize);
        int channels = predictor.outputChannels();
        int[] keep = keepChannels == null ? allChannels(channels) : keepChannels.clone();
        for (int c : keep) {
            if (c < 0 || c >= channels) {
                throw new IllegalArgumentException("channel " + c + " asked for, the predictor has " + channels);
            }
        }
        float[][] maps = new float[keep.length][volume.data().length];

        int patches = tiler.patchCount();
        int patchVoxels = tiler.patchVoxels();
        int batches = (patches + batchSize - 1) / batchSize;
        ExecutorService reader = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "cryosiam-patch-reader");
            t.setDaemon(true);
            return t;
        });
        try {
            Future<float[]> next = reader.submit(() -> cut(tiler, volume.data(), 0, patches, batchSize));
            for (int b = 0; b < batches; b++) {
                float[] input = await(next);
                if (b + 1 < batches) {
                    int nextFirst = (b + 1) * batchSize;
                    next = reader.submit(() -> cut(tiler, volume.data(), nextFirst, patches, batchSize));
                }
                int first = b * batchSize;
                int count = Math.min(batchSize, patches - first);
                float[] output = predictor.predict(input, count, tiler.patchSize());
                long expected = (long) count * channels * patchVoxels;
                if (output.length != expected) {
                    throw new IllegalStateException("predictor returned " + output.length + " values for " + count
                            + " patches of " + channels + " channels, expected " + expected);
                }
                for (int j = 0; j < count; j++) {
                    for (int k = 0; k < keep.length; k++) {
                        int offset = (j * channels + keep[k]) * patchVoxels;
                        tiler.stitch(output, offset, first + j, maps[k]);
                    }
                }
                progress.advance(count);
            }
        } finally {
            reader.shutdownNow();
        }
        progress.finish();

        Volume[] out = new Volume[keep.length];
        for (int k = 0; k < keep.length; k++) {
            out[k] = volume.withData(maps[k]);
        }
        return out;
    }

    /** Progress of the run's kind ({@code progress}) for one volume, sized to its patch count. */
    public static Progress progress(Progress.Factory progress, String what, Volume volume, int[] patchSize) {
        return progress.items(what, new GridTiler(volume.shape(), patchSize).patchCount());
    }

    /** The input of the batch whose first patch is {@code first}: {@code [count, 1, Pz, Py, Px]}. */
    private static float[] cut(GridTiler tiler, float[] volume, int first, int patches, int batchSize) {
        int count = Math.min(batchSize, patches - first);
        int patchVoxels = tiler.patchVoxels();
        float[] input = new float[Math.multiplyExact(count, patchVoxels)];
        for (int j = 0; j < count; j++) {
            tiler.extract(volume, first + j, input, j * patchVoxels);
        }
        return input;
    }

    private static float[] await(Future<float[]> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading patches", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        }
    }

    private static int[] allChannels(int channels) {
        int[] all = new int[channels];
        Arrays.setAll(all, i -> i);
        return all;
    }
}
