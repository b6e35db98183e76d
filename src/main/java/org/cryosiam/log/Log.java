package org.cryosiam.log;

import java.io.PrintWriter;
import java.io.Writer;

/**
 * What a run tells the user on its error stream: information lines (silenced by {@code --quiet}) and warnings
 * (always). One per run; the commands write to their picocli error writer through it, library code receives it as a
 * parameter.
 */
public final class Log {
    private final PrintWriter err;
    private final boolean quiet;

    public Log(PrintWriter err, boolean quiet) {
        this.err = err;
        this.quiet = quiet;
    }

    /** A log that shows nothing (tests, callers that want no output). */
    public static Log silent() {
        return new Log(new PrintWriter(Writer.nullWriter()), true);
    }

    /** A line of information; nothing with {@code --quiet}. */
    public void info(String message) {
        if (!quiet) {
            err.println(message);
            err.flush();
        }
    }

    /** A warning, shown even with {@code --quiet}. */
    public void warn(String message) {
        err.println("warning: " + message);
        err.flush();
    }

    /** Whether information lines are suppressed. */
    public boolean quiet() {
        return quiet;
    }

    /** The stream the lines go to (for output that is neither information nor warning, e.g. per-input errors). */
    public PrintWriter err() {
        return err;
    }
}
