package org.cryosiam.checkpoint;

/** A pickle that cannot be read: truncated, malformed, or using something the reader refuses. */
final class PickleException extends Exception {
    PickleException(String message) {
        super(message);
    }
}
