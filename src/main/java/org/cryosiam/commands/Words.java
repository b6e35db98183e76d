package org.cryosiam.commands;

/** Small wording helpers for messages. */
final class Words {
    private Words() {
    }

    /** "1 tomogram", "2 tomograms", "3 patches" (regular plurals only). */
    static String count(long n, String noun) {
        String plural = noun.endsWith("s") || noun.endsWith("ch") ? "es" : "s";
        return n + " " + noun + (n == 1 ? "" : plural);
    }
}
