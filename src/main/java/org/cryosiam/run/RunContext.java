package org.cryosiam.run;

import java.io.PrintWriter;

import org.cryosiam.io.OutputSink;
import org.cryosiam.log.Log;
import org.cryosiam.log.Progress;
import org.cryosiam.nn.FlopCounter;
import org.cryosiam.nn.Precision;
import org.cryosiam.zoo.RunRecord;

/**
 * Everything one run of a command shares, built once per CLI invocation from the global options ({@code --quiet},
 * {@code --debug}, {@code --device}, {@code --precision}, {@code --max_memory}) and the command's output and error writers, then passed
 * down to what needs it: the log, the progress displays, the device and number type of the networks, the run record
 * of a config-driven command. Immutable: a part of a run that needs something else (a run record, another precision)
 * makes a copy with {@code with…}.
 */
public final class RunContext {
    /** A command that takes the run's context before it runs. */
    public interface Receiver {
        void use(RunContext context);
    }

    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean quiet;
    private final boolean debug;
    private final String device;
    private final Precision precision;
    private final Long maxMemory;
    private final RunRecord record;
    private final FlopCounter flops;
    private final Log log;
    private final Progress.Factory progress;

    private RunContext(PrintWriter out, PrintWriter err, boolean quiet, boolean debug, String device,
                       Precision precision, Long maxMemory, RunRecord record, FlopCounter flops,
                       Progress.Factory progress) {
        this.out = out;
        this.err = err;
        this.quiet = quiet;
        this.debug = debug;
        this.device = device;
        this.precision = precision;
        this.maxMemory = maxMemory;
        this.record = record;
        this.flops = flops;
        this.log = new Log(err, quiet);
        this.progress = progress != null ? progress : Progress.Factory.of(quiet, err);
    }

    /**
     * The context of one invocation.
     *
     * @param device    {@code cpu}, {@code cuda:N}, or null: a GPU when libtorch sees one, else the CPU
     * @param precision null: float32
     * @param maxMemory bytes a dense prediction may use, or null: what the machine allows
     */
    public static RunContext of(PrintWriter out, PrintWriter err, boolean quiet, boolean debug, String device,
                                Precision precision, Long maxMemory) {
        return new RunContext(out, err, quiet, debug, device, precision == null ? Precision.FP32 : precision,
                maxMemory, null, null, null);
    }

    /** A context for library callers and tests: the given writers, default options. */
    public static RunContext of(PrintWriter out, PrintWriter err) {
        return of(out, err, false, false, null, Precision.FP32, null);
    }

    /** Where a command's results go (standard output unless redirected). */
    public PrintWriter out() {
        return out;
    }

    /** Where the log, warnings, errors and progress go (standard error unless redirected). */
    public PrintWriter err() {
        return err;
    }

    public Log log() {
        return log;
    }

    /** {@code --quiet}: print only errors. */
    public boolean quiet() {
        return quiet;
    }

    /** {@code --debug}: stack traces of errors. */
    public boolean debug() {
        return debug;
    }

    /** {@code --device}, or null: a GPU when libtorch sees one, else the CPU. */
    public String device() {
        return device;
    }

    /** {@code --precision} of the networks. */
    public Precision precision() {
        return precision;
    }

    /** {@code --max_memory} in bytes, or null: what the machine allows. */
    public Long maxMemory() {
        return maxMemory;
    }

    /** The open run record of a config-driven command, or null. */
    public RunRecord record() {
        return record;
    }

    /** Where the run's output files are noted: its run record, else nowhere. */
    public OutputSink outputs() {
        return record != null ? record : OutputSink.NONE;
    }

    /** Where the networks of the run count their FLOPs (the benchmark), or null. */
    public FlopCounter flops() {
        return flops;
    }

    public Progress.Factory progress() {
        return progress;
    }

    public RunContext withRecord(RunRecord r) {
        return new RunContext(out, err, quiet, debug, device, precision, maxMemory, r, flops, progress);
    }

    public RunContext withPrecision(Precision p) {
        return new RunContext(out, err, quiet, debug, device, p, maxMemory, record, flops, progress);
    }

    public RunContext withFlops(FlopCounter counter) {
        return new RunContext(out, err, quiet, debug, device, precision, maxMemory, record, counter, progress);
    }

    /** This context with other progress displays (a test's clock, or a test's stop request). */
    public RunContext withProgress(Progress.Factory p) {
        return new RunContext(out, err, quiet, debug, device, precision, maxMemory, record, flops, p);
    }
}
