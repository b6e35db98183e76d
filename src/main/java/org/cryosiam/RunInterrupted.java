package org.cryosiam;

/**
 * The run stopped because the process got SIGINT (Ctrl-C) or SIGTERM (Slurm's {@code scancel}, a time limit):
 * thrown at a safe point between units of work ({@link Interrupts#check}), it unwinds through the run's
 * try-with-resources, so that temporaries are deleted, native memory is freed and locks are released, and ends the
 * command with exit code 128 + the signal's number (130, 143). Neither a user error nor a bug.
 */
public final class RunInterrupted extends RuntimeException {
    private final String signal;
    private final int exitCode;
    private final String where;

    /**
     * @param signal   the signal's name, e.g. {@code SIGTERM}
     * @param exitCode 128 + its number
     * @param where    how far the work had come, e.g. "12/40 patches of TS_01.mrc"
     */
    public RunInterrupted(String signal, int exitCode, String where) {
        super("interrupted (" + signal + "): stopped after " + where);
        this.signal = signal;
        this.exitCode = exitCode;
        this.where = where;
    }

    public String signal() {
        return signal;
    }

    /** What the command exits with: 130 for SIGINT, 143 for SIGTERM. */
    public int exitCode() {
        return exitCode;
    }

    /** How far the work had come. */
    public String where() {
        return where;
    }
}
