package org.cryosiam.inference;

import java.util.Locale;

import org.cryosiam.CryosiamUserException;

/**
 * How a streamed dense prediction fits a memory budget ({@code --max_memory}): the batch it runs and the peak it
 * expects, by parts. The slab window is already the least the patch grid allows (the planes of at most two rows of
 * patches along z and one slab of maps), so the batch is what gives way: it is lowered until the estimate fits,
 * which changes no result. Where even one patch does not fit, the run is refused before any work.
 *
 * @param batchSize     patches cut, predicted and stitched together
 * @param runtimeBytes  the JVM, libtorch and its thread pools
 * @param networkBytes  weights and the activations of the samples in flight
 * @param streamBytes   patch batches, the planes the patches read and the slab being filled
 * @param keptBytes     maps a post-processing step needs whole
 * @param javaBytes     the part of the above that lives on the Java heap
 */
public record MemoryPlan(int batchSize, long runtimeBytes, long networkBytes, long streamBytes, long keptBytes,
        long javaBytes) {
    /**
     * What the process holds before any volume: JVM with a small heap, libtorch's code and thread pools (0.30–0.35 GB
     * peak RSS measured for the fixtures' small networks on a few patches).
     */
    static final long RUNTIME_BYTES = 350L << 20;
    /**
     * Live activations of one sample, in units of its widest one (encoder and decoder tensors alive together,
     * oneDNN's scratch): fitted to the default-width denoiser (FPN decoder), whose 64³ sample (widest 268 MB) peaks
     * 1.6 GB above the runtime and weights. A BiFPN decoder keeps more maps alive (see
     * {@code Network.activationFactor}).
     */
    public static final int ACTIVATION_FACTOR = 6;

    /**
     * What a dense prediction of one tomogram works on.
     *
     * @param shape                 the tomogram's {@code (z, y, x)}
     * @param patch                 {@code (Pz, Py, Px)}
     * @param outputChannels        channels the predictor returns per patch
     * @param keptChannels          channels stitched into slabs
     * @param keptBytes             maps kept whole for post-processing
     * @param weightBytes           the network's weights
     * @param sampleActivationBytes one sample's widest activation
     * @param samplesAtOnce         true when every sample of a batch goes through the network together
     * @param activationFactor      live activations of one sample in units of its widest one
     * @param fileBytes             what the input reader and the output writers hold besides planes and slabs (an
     *                              OME-Zarr input's row of chunks, an OME-Zarr output's rows of its levels)
     */
    public record Workload(int[] shape, int[] patch, int outputChannels, int keptChannels, long keptBytes,
            long weightBytes, long sampleActivationBytes, boolean samplesAtOnce, int activationFactor,
            long fileBytes) {
        /** A workload of a network with the default factor, reading and writing files that hold only planes. */
        public Workload(int[] shape, int[] patch, int outputChannels, int keptChannels, long keptBytes,
                long weightBytes, long sampleActivationBytes, boolean samplesAtOnce) {
            this(shape, patch, outputChannels, keptChannels, keptBytes, weightBytes, sampleActivationBytes,
                    samplesAtOnce, ACTIVATION_FACTOR, 0);
        }
    }

    /** The estimate for {@code batch}. */
    static MemoryPlan estimate(Workload w, int batch) {
        long patchVoxels = (long) w.patch[0] * w.patch[1] * w.patch[2];
        long plane = (long) w.shape[1] * w.shape[2] * Float.BYTES;
        // the batch being cut while one is predicted; its maps as a native array and as the Java copy
        long patches = 2L * batch * patchVoxels * Float.BYTES + 2L * batch * w.outputChannels * patchVoxels * Float.BYTES;
        // planes: two rows of patches along z (Pz + Pz/2) plus the first Pz planes for the wrap-around at the end
        long planes = Math.min(w.shape[0], 2L * w.patch[0] + w.patch[0] / 2) * plane;
        long slab = (long) w.keptChannels * Math.min(w.shape[0], w.patch[0]) * plane;
        long activations = (long) w.activationFactor * w.sampleActivationBytes * (w.samplesAtOnce ? batch : 1);
        long network = w.weightBytes + activations;
        long stream = patches + planes + slab + w.fileBytes;
        long java = stream + w.keptBytes;
        return new MemoryPlan(batch, RUNTIME_BYTES, network, stream, w.keptBytes, java);
    }

    /**
     * The largest batch up to {@code configuredBatch} whose estimate fits {@code budget} and whose Java part fits
     * {@code heapMax}; a user error when one patch does not fit.
     */
    public static MemoryPlan choose(Workload w, int configuredBatch, long budget, long heapMax) {
        return choose(w, configuredBatch, budget, heapMax, null, null);
    }

    /**
     * {@link #choose(Workload, int, long, long)} for the tomogram {@code file} (named by the refusal, with its
     * declared shape), under a budget that came from {@code origin} ("--max_memory", "half of the machine's 16 GB").
     */
    public static MemoryPlan choose(Workload w, int configuredBatch, long budget, long heapMax, Object file,
            String origin) {
        for (int b = configuredBatch; b >= 1; b--) {
            MemoryPlan p = estimate(w, b);
            if (p.total() <= budget && p.javaBytes <= heapMax) {
                return p;
            }
        }
        String what = (file == null ? "a " : file + ": the ") + w.shape[0] + "x" + w.shape[1] + "x" + w.shape[2]
                + " tomogram";
        MemoryPlan one = estimate(w, 1);
        if (one.total() > budget) {
            throw new CryosiamUserException(what + " with " + w.patch[0] + "x" + w.patch[1] + "x" + w.patch[2]
                    + " patches needs about " + size(one.total()) + " even one patch at a time (" + one.parts()
                    + "), more than the " + size(budget) + " allowed"
                    + (origin == null || origin.equals("--max_memory") ? "" : " (" + origin + ")")
                    + "; raise --max_memory or use smaller patches.");
        }
        throw new CryosiamUserException(what + " needs about " + size(one.javaBytes) + " of Java heap even one "
                + "patch at a time, more than the JVM's " + size(heapMax) + "; raise -Xmx in JAVA_OPTS.");
    }

    /** The estimated peak. */
    public long total() {
        return runtimeBytes + networkBytes + streamBytes + keptBytes;
    }

    /** The estimate by parts, for the log. */
    public String parts() {
        return "runtime " + size(runtimeBytes) + ", network " + size(networkBytes) + ", patches, planes, slabs and "
                + "file buffers " + size(streamBytes) + (keptBytes > 0 ? ", maps kept whole " + size(keptBytes) : "");
    }

    /** One line saying what was chosen, for the log. */
    public String describe(long budget, int configuredBatch) {
        return describe(budget, null, configuredBatch);
    }

    /** {@link #describe(long, int)} with where the budget came from, when not from {@code --max_memory}. */
    public String describe(long budget, String origin, int configuredBatch) {
        return "memory: about " + size(total()) + " of " + size(budget) + " allowed ("
                + (origin == null || origin.equals("--max_memory") ? "" : "budget: " + origin
                + ", --max_memory sets another; ") + parts() + "); batch " + batchSize
                + (batchSize < configuredBatch ? " instead of the configured " + configuredBatch : "");
    }

    /** Bytes as {@code 1.5 GB} / {@code 300 MB}. */
    public static String size(long bytes) {
        if (bytes >= 1L << 30) {
            return String.format(Locale.ROOT, "%.1f GB", bytes / (double) (1L << 30));
        }
        return String.format(Locale.ROOT, "%d MB", Math.max(1, Math.round(bytes / (double) (1L << 20))));
    }

    /**
     * A size as users write it: a number of bytes with an optional unit K, M, G or T (powers of 1024; {@code B},
     * {@code iB} and lower case accepted), e.g. {@code 4G}, {@code 1500M}, {@code 2.5GB}.
     */
    public static long parseSize(String text) {
        String t = text.strip().toUpperCase(Locale.ROOT).replace("IB", "").replaceAll("B$", "");
        long unit = 1;
        if (!t.isEmpty()) {
            int shift = "KMGT".indexOf(t.charAt(t.length() - 1));
            if (shift >= 0) {
                unit = 1L << (10 * (shift + 1));
                t = t.substring(0, t.length() - 1).strip();
            }
        }
        double v;
        try {
            v = Double.parseDouble(t);
        } catch (NumberFormatException e) {
            v = Double.NaN;
        }
        if (!(v > 0) || v * unit >= Long.MAX_VALUE) {
            throw new CryosiamUserException("'" + text + "' is not a memory size; write e.g. 4G, 1500M or 2.5GB.");
        }
        return (long) (v * unit);
    }
}
