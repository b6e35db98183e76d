package org.cryosiam.run;

import java.io.PrintWriter;

import org.cryosiam.CryosiamUserException;

/**
 * How a command that failed is reported, by the command line and by the demo for the steps it runs: one line on the
 * error stream and an exit code.
 */
public final class Failures {
    /** Exit code of a user mistake (bad file, key, flag). */
    public static final int USER_ERROR = 2;
    /** Exit code of an internal error. */
    public static final int INTERNAL_ERROR = 1;

    private Failures() {
    }

    /**
     * Reports {@code e}, thrown by {@code command} (as typed, e.g. {@code cryosiam denoise_predict}): a user error as
     * one sentence (exit code {@link #USER_ERROR}), anything else as an internal error ({@link #INTERNAL_ERROR});
     * with {@code debug}, the stack trace first.
     */
    public static int report(Throwable e, String command, PrintWriter err, boolean debug) {
        if (debug) {
            e.printStackTrace(err);
        }
        CryosiamUserException user = findUserError(e);
        if (user != null) {
            String msg = String.valueOf(user.getMessage()).strip();
            // every user error is a sentence, whichever part of the code worded it
            err.println(command + ": " + msg + (msg.matches("(?s).*[.?!]") ? "" : "."));
            err.flush();
            return USER_ERROR;
        }
        err.println(command + ": internal error: " + e + (debug ? "" : " (rerun with --debug for the stack trace)"));
        err.flush();
        return INTERNAL_ERROR;
    }

    private static CryosiamUserException findUserError(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CryosiamUserException) {
                return (CryosiamUserException) t;
            }
        }
        return null;
    }
}
