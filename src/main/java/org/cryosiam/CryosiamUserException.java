package org.cryosiam;

/**
 * A mistake in the user's input (a file, a config key, a flag). Its message is the one sentence the user sees; the
 * CLI prints it and exits with code 2. Anything else that escapes a command is a bug (exit 1).
 */
public class CryosiamUserException extends RuntimeException {
    public CryosiamUserException(String message) {
        super(message);
    }

    public CryosiamUserException(String message, Throwable cause) {
        super(message, cause);
    }
}
