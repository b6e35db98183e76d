package org.cryosiam.train;

import org.cryosiam.CryosiamUserException;

/**
 * Training met a non-finite loss or gradient and stopped before the step that would have spread it into the weights.
 * A user-facing failure (one sentence, exit 2): the usual causes are the configuration's (a learning rate too high,
 * patches without contrast), and the checkpoints written so far stay valid.
 */
public final class TrainingDiverged extends CryosiamUserException {
    public TrainingDiverged(String message) {
        super(message);
    }
}
