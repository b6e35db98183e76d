package org.cryosiam.commands;

import java.io.PrintStream;

import org.cryosiam.Main;

/** What commands tell the user: progress lines on stderr, silenced by {@code --quiet}. */
public final class CommandLog {
    private CommandLog() {
    }

    public static void info(String message) {
        if (!Main.GlobalOptions.quiet) {
            PrintStream err = System.err;
            err.println(message);
        }
    }

    public static void warn(String message) {
        System.err.println("warning: " + message);
    }
}
