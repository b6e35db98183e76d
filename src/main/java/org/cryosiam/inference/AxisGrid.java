package org.cryosiam.inference;

import java.util.Arrays;

import org.cryosiam.CryosiamUserException;

/**
 * The reference's patch grid along one axis (spec/inference.md, "Tiling"): MONAI 1.3 {@code iter_patch} with
 * {@code overlap=0.5} and wrap padding, plus cryosiam's skip and centre-stitching rules. All coordinates are in the
 * volume after end-padding to {@code S' = max(S, P)}; the write ranges are already cropped back to {@code S}.
 *
 * <p>Kept patches: those not skipped ({@code start >= S' - P//4}) whose cropped write range is not empty. A patch
 * whose range is cropped away entirely writes nothing in the reference either, so leaving it out changes no voxel
 * (it happens when {@code S} is much smaller than {@code P}).
 */
public final class AxisGrid {
    private final int size;
    private final int padded;
    private final int patch;
    private final int step;
    private final int[] gridStarts;
    private final int[] starts;
    private final int[] writeFrom;
    private final int[] writeTo;
    private final int[] readFrom;

    /**
     * @param size  the volume's size S on this axis
     * @param patch the patch size P, even (the reference's step {@code round(P * 0.5)} is then exactly {@code P/2})
     */
    public AxisGrid(int size, int patch) {
        if (size < 1) {
            throw new IllegalArgumentException("volume size " + size + " must be positive");
        }
        if (patch < 2 || patch % 2 != 0) {
            throw new CryosiamUserException("patch size " + patch + " must be a positive even number");
        }
        this.size = size;
        this.patch = patch;
        this.padded = Math.max(size, patch); // SpatialPad(method='end', mode='constant') to P
        this.step = patch / 2;
        int q = patch / 4;

        int count = (padded + step - 1) / step; // starts 0, T, 2T, ... while start < S'
        gridStarts = new int[count];
        int[] kept = new int[count];
        int[] from = new int[count];
        int[] to = new int[count];
        int[] read = new int[count];
        int k = 0;
        for (int i = 0; i < count; i++) {
            int start = i * step;
            gridStarts[i] = start;
            if (start >= padded - q) {
                // skip rule. (A skipped patch would be a "last" patch writing [start + q, S'), which is empty
                // here, so the rule changes no voxel; it is kept because the spec and the reference state it.)
                continue;
            }
            int end = start + patch;
            int outFrom;
            int outTo;
            int srcFrom;
            if (start == 0) { // first patch (also when it is the last one)
                outFrom = 0;
                outTo = end - q;
                srcFrom = 0;
            } else if (end >= padded) { // last patch: keep everything up to the padded end
                outFrom = start + q;
                outTo = padded;
                srcFrom = q;
            } else { // middle: the centre half
                outFrom = start + q;
                outTo = end - q;
                srcFrom = q;
            }
            outTo = Math.min(outTo, size); // crop back to S
            if (outFrom >= outTo) {
                continue;
            }
            kept[k] = start;
            from[k] = outFrom;
            to[k] = outTo;
            read[k] = srcFrom;
            k++;
        }
        starts = Arrays.copyOf(kept, k);
        writeFrom = Arrays.copyOf(from, k);
        writeTo = Arrays.copyOf(to, k);
        readFrom = Arrays.copyOf(read, k);
    }

    /** S. */
    public int size() {
        return size;
    }

    /** S' = max(S, P), the size after end-padding with zeros. */
    public int paddedSize() {
        return padded;
    }

    public int patchSize() {
        return patch;
    }

    /** T = round(P/2). */
    public int step() {
        return step;
    }

    /** Every start of the reference's grid, skipped ones included. */
    public int[] gridStarts() {
        return gridStarts.clone();
    }

    /** The starts of the patches that are run, in order. */
    public int[] starts() {
        return starts.clone();
    }

    public int count() {
        return starts.length;
    }

    public int start(int i) {
        return starts[i];
    }

    /** First output voxel written by kept patch i. */
    public int writeFrom(int i) {
        return writeFrom[i];
    }

    /** One past the last output voxel written by kept patch i (cropped to S). */
    public int writeTo(int i) {
        return writeTo[i];
    }

    /** The patch voxel that lands on {@link #writeFrom}. */
    public int readFrom(int i) {
        return readFrom[i];
    }

    /**
     * For each voxel {@code d} of kept patch i, the volume voxel it reads, or -1 for the zeros of the end padding.
     * Position {@code S' + k} wraps to {@code k} (numpy.pad mode 'wrap' by P, with P <= S').
     */
    public int[] sourceIndex(int i) {
        int[] idx = new int[patch];
        for (int d = 0; d < patch; d++) {
            int g = starts[i] + d;
            if (g >= padded) {
                g -= padded;
            }
            idx[d] = g < size ? g : -1;
        }
        return idx;
    }
}
