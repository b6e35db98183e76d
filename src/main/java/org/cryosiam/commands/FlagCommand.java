package org.cryosiam.commands;

import java.util.concurrent.Callable;

/**
 * Base of the commands driven by flags instead of a YAML config (the {@code processing_*} commands): runs
 * {@link #run()} and reports the time taken, as {@link ConfigCommand} does.
 */
public abstract class FlagCommand implements Callable<Integer> {
    @Override
    public final Integer call() throws Exception {
        long start = System.nanoTime();
        run();
        CommandLog.info(String.format("done in %.1f s", (System.nanoTime() - start) / 1e9));
        return 0;
    }

    /** Does the command's work. */
    protected abstract void run() throws Exception;
}
