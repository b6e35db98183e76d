package org.cryosiam.inference;

/**
 * A network run on a batch of patches; implemented by the network side ({@code org.cryosiam.nn}) or by a command
 * that derives per-patch maps (for example semantic labels from probabilities, computed per patch and then stitched
 * like the other maps, as the reference does).
 *
 * <p>Called from one thread at a time, in patch order. Patches are independent: the result for a patch must not
 * depend on the other patches of its batch (networks run in inference mode), so batching never changes results.
 */
public interface PatchPredictor {
    /** C, the number of maps produced per patch. */
    int outputChannels();

    /**
     * @param input     {@code batch} patches, layout {@code [batch, 1, Pz, Py, Px]} (x fastest), exactly
     *                  {@code batch·Pz·Py·Px} values; read only, and not kept after this returns
     * @param batch     number of patches in {@code input}
     * @param patchSize {@code {Pz, Py, Px}}
     * @return the maps, layout {@code [batch, C, Pz, Py, Px]}, exactly {@code batch·C·Pz·Py·Px} values
     */
    float[] predict(float[] input, int batch, int[] patchSize);
}
