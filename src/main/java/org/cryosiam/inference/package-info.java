/**
 * The dense-inference engine's pure-Java part (spec/inference.md): {@link org.cryosiam.inference.Preprocessing}
 * (intensity scaling, float32-exact to the reference), the reference's patch grid ({@link org.cryosiam.inference.AxisGrid},
 * {@link org.cryosiam.inference.GridTiler}), and {@link org.cryosiam.inference.SlidingWindow}, which runs a
 * {@link org.cryosiam.inference.PatchPredictor} over the grid in batches and stitches the maps a command keeps,
 * reporting through {@link org.cryosiam.log.Progress}.
 *
 * <p>A command: read the volume, {@code Preprocessing.denoise} or {@code Preprocessing.standard}, then
 * {@code SlidingWindow.run(volume, patchSize, batchSize, predictor, keep, progress.items(...))}.
 */
package org.cryosiam.inference;
