package org.cryosiam.train;

/**
 * Told by the {@link Trainer} of its progress (as DJL's {@code TrainingListener}): after every training batch, after
 * every epoch (validation done, best validation loss updated) and once when the last epoch is done. The listeners
 * themselves (metrics, plots, checkpoints, console) are in {@code train.listener}.
 */
public interface TrainingListener {
    /** After the optimiser step of a training batch. */
    default void onBatch(Trainer trainer, Trainer.BatchEnd batch) {
    }

    /** After an epoch and its validation. */
    default void onEpoch(Trainer trainer, Trainer.EpochEnd epoch) {
    }

    /**
     * When training stops on a non-finite loss or gradient, with the epoch's numbers so far ({@code validated}: its
     * validation ran and is part of them); no {@link #onEpoch} follows for that epoch.
     */
    default void onStopped(Trainer trainer, Trainer.EpochMetrics partial, boolean validated) {
    }

    /** After the last epoch of the run (not when training fails). */
    default void onTrainingEnd(Trainer trainer) {
    }

    /** Once the run ends, however it ends (after {@link #onTrainingEnd}, a failure, an interrupt). */
    default void onRunEnd(Trainer trainer) {
    }
}
