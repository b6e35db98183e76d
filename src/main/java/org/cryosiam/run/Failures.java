package org.cryosiam.run;

import java.io.PrintWriter;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.Interrupts;
import org.cryosiam.RunInterrupted;

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
     * one sentence (exit code {@link #USER_ERROR}), a run stopped by a signal as one line saying where it stopped
     * and whether temporary files are left (exit code 130 or 143, {@link RunInterrupted}), anything else as an
     * internal error ({@link #INTERNAL_ERROR}); with {@code debug}, the stack trace first.
     */
    public static int report(Throwable e, String command, PrintWriter err, boolean debug) {
        if (debug) {
            e.printStackTrace(err);
        }
        RunInterrupted stopped = find(e, RunInterrupted.class);
        if (stopped != null) {
            // the unwinding has deleted the run's temporaries; after a real signal, this catches any that a writer
            // left (only then: a test's simulated stop must not touch other runs of its JVM)
            java.util.List<java.nio.file.Path> left = Interrupts.requested() ? Interrupts.removeTemporaries()
                    : java.util.List.of();
            err.println(command + ": " + stopped.getMessage() + (left.isEmpty() ? "; temporary files removed."
                    : "; could not remove " + left + ", delete them by hand."));
            err.flush();
            return stopped.exitCode();
        }
        CryosiamUserException user = find(e, CryosiamUserException.class);
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

    private static <T extends Throwable> T find(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
