package org.cryosiam.nn;

import ai.djl.ndarray.NDArray;

/**
 * Freeing of intermediate arrays as a forward pass goes, the way PyTorch frees a tensor when its last reference
 * goes: without it every intermediate of a pass stays alive until the pass ends (several times the memory), and
 * fresh allocations dominate the time. Closing only drops this handle: a tensor that autograd saved for the
 * backward pass keeps its storage.
 */
final class Intermediates {
    private Intermediates() {
    }

    /**
     * Closes {@code consumed}, an intermediate that has been used for the last time, unless it is one of
     * {@code keep} (the caller's input, or a result that is the same array).
     */
    static void release(NDArray consumed, NDArray... keep) {
        for (NDArray k : keep) {
            if (consumed == k) {
                return;
            }
        }
        consumed.close();
    }

    /** {@code result}, made from {@code consumed}, which is closed (unless it is the result itself). */
    static NDArray replace(NDArray consumed, NDArray result) {
        release(consumed, result);
        return result;
    }
}
