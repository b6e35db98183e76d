package org.cryosiam.commands;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

import org.cryosiam.io.OutputFolders;
import org.cryosiam.log.Log;
import org.cryosiam.run.RunContext;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Base of the commands driven by flags instead of a YAML config (the {@code processing_*} commands): checks that the
 * output folders can be written, runs {@link #run()} and reports the time taken, as {@link ConfigCommand} does.
 */
public abstract class FlagCommand implements Callable<Integer>, RunContext.Receiver {
    @Spec
    CommandSpec spec;

    /** The run's context, given before {@link #call}. */
    protected RunContext ctx;
    /** The run's log ({@code ctx.log()}). */
    protected Log log;

    @Override
    public void use(RunContext context) {
        this.ctx = context;
        this.log = context.log();
    }

    @Override
    public final Integer call() throws Exception {
        long start = System.nanoTime();
        for (Map.Entry<String, Path> out : outputFolders().entrySet()) {
            OutputFolders.checkWritable(out.getValue(), out.getKey());
        }
        run();
        log.info(String.format("done in %.1f s", (System.nanoTime() - start) / 1e9));
        return 0;
    }

    /** The folders this command writes, by the flag that names them, checked for write permission before any work. */
    protected abstract Map<String, Path> outputFolders();

    /** The command's name as typed (what output labels name). */
    protected final String commandName() {
        return spec.name();
    }

    /** Does the command's work. */
    protected abstract void run() throws Exception;
}
