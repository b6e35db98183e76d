package org.cryosiam.workflow;

/** Small wording helpers for messages. */
public final class Words {
    private Words() {
    }

    /** "1 tomogram", "2 tomograms", "3 patches" (regular plurals only). */
    public static String count(long n, String noun) {
        String plural = noun.endsWith("s") || noun.endsWith("ch") ? "es" : "s";
        return n + " " + noun + (n == 1 ? "" : plural);
    }
}
