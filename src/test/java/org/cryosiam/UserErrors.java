package org.cryosiam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.cryosiam.CliRun;

/** Checks of the user-error contract: exit 2, one line, one sentence naming the file, no stack trace. */
public final class UserErrors {
    private UserErrors() {
    }

    /** {@code r} failed as a user error whose one line names {@code file} and contains every fragment. */
    public static void assertOneSentence(CliRun r, Object file, String... fragments) {
        assertEquals(2, r.code(), r.err());
        String[] lines = r.err().strip().split("\n");
        assertEquals(1, lines.length, "one line expected:\n" + r.err());
        assertOneSentence(lines[0], file, fragments);
        assertFalse(r.err().contains("Exception"), r.err());
    }

    /** A message that names {@code file}, contains every fragment and ends with a full stop. */
    public static void assertOneSentence(String message, Object file, String... fragments) {
        assertTrue(message.contains(String.valueOf(file)), "the message should name " + file + ": " + message);
        for (String f : fragments) {
            assertTrue(message.contains(f), "the message should say '" + f + "': " + message);
        }
        assertTrue(message.endsWith("."), "one sentence ending with a full stop: " + message);
        assertFalse(message.contains("Exception"), message);
    }

    /** Asserts that {@code e} is a user error naming {@code file}; returns it. */
    public static CryosiamUserException assertNames(Throwable e, Object file, String... fragments) {
        assertTrue(e instanceof CryosiamUserException, "a user error expected, got " + e);
        assertOneSentence(e.getMessage(), file, fragments);
        return (CryosiamUserException) e;
    }
}
