package org.cryosiam.inference;

import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.cryosiam.io.MachineMemory;
import org.cryosiam.io.PlaneReader;
import org.cryosiam.log.Progress;
import org.cryosiam.volume.Volume;

/**
 * Dense inference over a (preprocessed) tomogram: cut it into the reference's patch grid ({@link GridTiler}), run
 * the predictor on batches of patches, and stitch the kept channels back into maps of the tomogram's shape.
 *
 * <p>The tomogram is read plane by plane and the maps are handed out slab by slab, so memory holds the planes that
 * the patches in flight read (at most two rows of patches along z, plus the first planes again where the last row
 * wraps around) and the slab of maps being filled, never the whole volume. Patches run in the reference's order
 * (z outer), so each row of patches along z completes the slab of planes its centres cover, and slabs follow one
 * another without gaps or overlaps.
 *
 * <p>The next batch is cut out on a helper thread while the predictor runs on the current one (1-deep prefetch);
 * stitching stays on the calling thread, in patch order.
 */
public final class SlidingWindow {
    private SlidingWindow() {
    }

    /** Receives the finished maps slab by slab, in z order, every plane of the volume exactly once. */
    @FunctionalInterface
    public interface SlabSink {
        /**
         * @param z0   first plane of the slab
         * @param z1   one past its last plane
         * @param maps one array per kept channel, the planes {@code z0..z1-1} (x fastest); valid during the call
         */
        void accept(int z0, int z1, float[][] maps);
    }

    /**
     * The whole maps at once, for a volume in memory.
     *
     * @param volume       the preprocessed tomogram
     * @param patchSize    {@code {Pz, Py, Px}}, even
     * @param batchSize    patches per predictor call (the last call may have fewer); does not change results
     * @param predictor    the network
     * @param keepChannels the predictor channels to stitch, in the order wanted; {@code null} = all
     * @param progress     told about every batch (where a stop request ends the run between batches), and
     *                     finished at the end (closed if the run fails)
     * @return one map per kept channel, the volume's shape and voxel size; voxels no patch writes are 0
     */
    public static Volume[] run(Volume volume, int[] patchSize, int batchSize, PatchPredictor predictor,
            int[] keepChannels, Progress progress) {
        int plane = volume.ny() * volume.nx();
        int channels = keepChannels == null ? predictor.outputChannels() : keepChannels.length;
        float[][] maps = new float[channels][volume.data().length];
        run(PlaneReader.of(volume.data(), volume.shape()), patchSize, batchSize, predictor, keepChannels, progress,
                (z0, z1, slab) -> {
                    for (int k = 0; k < slab.length; k++) {
                        System.arraycopy(slab[k], 0, maps[k], z0 * plane, (z1 - z0) * plane);
                    }
                });
        Volume[] out = new Volume[channels];
        for (int k = 0; k < channels; k++) {
            out[k] = volume.withData(maps[k]);
        }
        return out;
    }

    /**
     * Streams the maps of a tomogram read plane by plane into {@code sink}; see {@link #run(Volume, int[], int,
     * PatchPredictor, int[], Progress)} for the parameters. {@code volume} is read on a helper thread.
     */
    public static void run(PlaneReader volume, int[] patchSize, int batchSize, PatchPredictor predictor,
            int[] keepChannels, Progress progress, SlabSink sink) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size " + batchSize + " must be at least 1");
        }
        int[] shape = volume.shape();
        GridTiler tiler = new GridTiler(shape, patchSize);
        int channels = predictor.outputChannels();
        int[] keep = keepChannels == null ? allChannels(channels) : keepChannels.clone();
        for (int c : keep) {
            if (c < 0 || c >= channels) {
                throw new IllegalArgumentException("channel " + c + " asked for, the predictor has " + channels);
            }
        }
        int patches = tiler.patchCount();
        int patchVoxels = tiler.patchVoxels();
        int batches = (patches + batchSize - 1) / batchSize;
        PlaneWindow window = new PlaneWindow(volume, tiler);
        Slabs slabs = new Slabs(tiler, shape, keep.length, sink);
        ExecutorService reader = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "cryosiam-patch-reader");
            t.setDaemon(true);
            return t;
        });
        NativeTrim trim = NativeTrim.start();
        try {
            Future<float[]> next = reader.submit(() -> window.cut(0, Math.min(batchSize, patches)));
            for (int b = 0; b < batches; b++) {
                float[] input = await(next);
                int first = b * batchSize;
                int count = Math.min(batchSize, patches - first);
                if (b + 1 < batches) {
                    int nextFirst = first + count;
                    int nextCount = Math.min(batchSize, patches - nextFirst);
                    next = reader.submit(() -> window.cut(nextFirst, nextCount));
                }
                float[] output = predictor.predict(input, count, tiler.patchSize());
                long expected = (long) count * channels * patchVoxels;
                if (output.length != expected) {
                    throw new IllegalStateException("predictor returned " + output.length + " values for " + count
                            + " patches of " + channels + " channels, expected " + expected);
                }
                for (int j = 0; j < count; j++) {
                    slabs.stitch(output, j, channels, keep, first + j);
                }
                progress.advance(count); // also where SIGINT/SIGTERM stop the run, between batches
                trim = trim.maybe();
            }
            slabs.finish();
            progress.finish();
        } finally {
            reader.shutdownNow();
            progress.close();
        }
        MachineMemory.trimNativeHeap(); // the batches' tensors are freed: their pages need not stay resident
    }

    /**
     * Trims the C heap every {@value #INTERVAL_NS} ns of prediction. The launcher's malloc settings keep freed
     * pages for the next batch (fresh pages cost more than the network on large tensors), but over thousands of
     * batches the arena's free pages grow with fragmentation (a denoise of 256x256x256 peaked at 484 MB trimmed only
     * at the end, 443 MB trimmed every 10 s, medians of 3). One trim takes about 10 ms; the pages the next batch
     * faults in again cost less than the trim saves (the same run was 3 % faster).
     */
    private record NativeTrim(long last) {
        static final long INTERVAL_NS = 10_000_000_000L;

        static NativeTrim start() {
            return new NativeTrim(System.nanoTime());
        }

        NativeTrim maybe() {
            long now = System.nanoTime();
            if (now - last < INTERVAL_NS) {
                return this;
            }
            MachineMemory.trimNativeHeap();
            return new NativeTrim(now);
        }
    }

    /**
     * The planes the next batch reads, loaded when first needed and dropped when a batch no longer needs them. Used
     * by the reading thread alone.
     */
    private static final class PlaneWindow {
        private final PlaneReader volume;
        private final GridTiler tiler;
        private final float[][] planes;
        private final int planeSize;

        PlaneWindow(PlaneReader volume, GridTiler tiler) {
            this.volume = volume;
            this.tiler = tiler;
            int[] s = volume.shape();
            this.planes = new float[s[0]][];
            this.planeSize = s[1] * s[2];
        }

        /** The input of patches {@code first .. first+count-1}: {@code [count, 1, Pz, Py, Px]}. */
        float[] cut(int first, int count) {
            boolean[] needed = new boolean[planes.length];
            AxisGrid z = tiler.axis(0);
            for (int row = tiler.zRow(first); row <= tiler.zRow(first + count - 1); row++) {
                for (int src : z.sourceIndex(row)) {
                    if (src >= 0) {
                        needed[src] = true;
                    }
                }
            }
            for (int p = 0; p < planes.length; p++) {
                if (!needed[p]) {
                    planes[p] = null;
                } else if (planes[p] == null) {
                    planes[p] = new float[planeSize];
                    volume.read(p, planes[p]);
                }
            }
            int patchVoxels = tiler.patchVoxels();
            float[] input = new float[Math.multiplyExact(count, patchVoxels)];
            for (int j = 0; j < count; j++) {
                tiler.extract(p -> new GridTiler.PlaneView(planes[p], 0), first + j, input, j * patchVoxels);
            }
            return input;
        }
    }

    /** The slab of maps that the current row of patches along z fills, handed to the sink when the row ends. */
    private static final class Slabs {
        private final GridTiler tiler;
        private final int nz;
        private final int planeSize;
        private final int channels;
        private final SlabSink sink;
        private int row = -1;
        private float[][] maps;
        private int next; // the first plane not yet handed out

        Slabs(GridTiler tiler, int[] shape, int channels, SlabSink sink) {
            this.tiler = tiler;
            this.nz = shape[0];
            this.planeSize = shape[1] * shape[2];
            this.channels = channels;
            this.sink = sink;
        }

        void stitch(float[] output, int j, int outputChannels, int[] keep, int patch) {
            int r = tiler.zRow(patch);
            if (r != row) {
                AxisGrid z = tiler.axis(0);
                flush(z.writeFrom(r));
                row = r;
                maps = new float[channels][Math.multiplyExact(z.writeTo(r) - z.writeFrom(r), planeSize)];
            }
            int z0 = tiler.axis(0).writeFrom(row);
            int patchVoxels = tiler.patchVoxels();
            for (int k = 0; k < keep.length; k++) {
                tiler.stitch(output, (j * outputChannels + keep[k]) * patchVoxels, patch, maps[k], z0);
            }
        }

        /**
         * Hands out the current row's slab up to plane {@code limit}, after zero planes for any gap before it. The
         * last rows of a grid can overlap (two "last" patches both keep everything up to the end); the later row
         * then rewrites every plane from its own start, so the earlier row's planes from there on are not final and
         * are not handed out.
         */
        private void flush(int limit) {
            if (row < 0) {
                return;
            }
            AxisGrid z = tiler.axis(0);
            int from = z.writeFrom(row);
            int to = Math.min(z.writeTo(row), limit);
            zerosUpTo(from);
            if (to > from) {
                float[][] out = maps;
                if (to < z.writeTo(row)) {
                    out = new float[channels][];
                    for (int k = 0; k < channels; k++) {
                        out[k] = java.util.Arrays.copyOf(maps[k], (to - from) * planeSize);
                    }
                }
                sink.accept(from, to, out);
                next = to;
            }
            maps = null;
        }

        private void zerosUpTo(int z) {
            if (next < z) {
                sink.accept(next, z, new float[channels][Math.multiplyExact(z - next, planeSize)]);
                next = z;
            }
        }

        void finish() {
            flush(nz);
            zerosUpTo(nz);
        }
    }

    /**
     * Progress of the run's kind ({@code progress}) for one volume ("patches of {@code what}"), sized to its patch
     * count; {@link #run} finishes or closes it.
     */
    public static Progress progress(Progress.Factory progress, String what, int[] shape, int[] patchSize) {
        return progress.items("patches of " + what, new GridTiler(shape, patchSize).patchCount());
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
