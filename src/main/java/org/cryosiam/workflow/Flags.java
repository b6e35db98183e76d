package org.cryosiam.workflow;

import org.cryosiam.CryosiamUserException;

/**
 * Numeric flag values, read as text and parsed by the command: a value that is not a number is then one sentence
 * naming the flag (picocli's own conversion error prints the whole usage after it, issue 20).
 */
public final class Flags {
    private Flags() {
    }

    public static int integer(String flag, String text) {
        String t = text.strip();
        if (t.matches("[+-]?[0-9]{1,10}")) {
            long v = Long.parseLong(t);
            if (v == (int) v) {
                return (int) v;
            }
        }
        throw new CryosiamUserException(flag + " " + text + ": expected a whole number (such as 5).");
    }

    /** A finite number, or null when the flag was not given. */
    public static Double number(String flag, String text) {
        if (text == null) {
            return null;
        }
        String t = text.strip();
        if (t.length() <= 100 && t.matches("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?")) {
            double v = Double.parseDouble(t);
            if (Double.isFinite(v)) {
                return v;
            }
        }
        throw new CryosiamUserException(flag + " " + text + ": expected a number (such as 0.5).");
    }
}
