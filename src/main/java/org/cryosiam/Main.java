package org.cryosiam;

import java.io.PrintWriter;
import java.util.List;

import org.cryosiam.run.Failures;
import org.cryosiam.run.RunContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The {@code cryosiam} command line: global options, the list of commands, and the mapping of errors to exit codes. */
@Command(name = "cryosiam",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "CryoSiam for the JVM: denoising, segmentation, particle picking, instances and subtomogram "
                + "embeddings for cryo-electron tomograms, with the published CryoSiam models.",
        subcommands = {
                CommandLine.HelpCommand.class,
                org.cryosiam.commands.DemoCommand.class,
                org.cryosiam.commands.TrainDemoModelsCommand.class,
                org.cryosiam.commands.DenoisePredictCommand.class,
                org.cryosiam.commands.SemanticPredictCommand.class,
                org.cryosiam.commands.SemanticPostprocessingCommand.class,
                org.cryosiam.commands.SemanticToCentersCommand.class,
                org.cryosiam.commands.InstancePredictCommand.class,
                org.cryosiam.commands.InstanceFilterCommand.class,
                org.cryosiam.commands.EmbeddingsPredictCommand.class,
                org.cryosiam.commands.EmbeddingsFromCentersCommand.class,
                org.cryosiam.commands.KMeansClusteringCommand.class,
                org.cryosiam.commands.SpectralClusteringCommand.class,
                org.cryosiam.commands.VisualizeEmbeddingsCommand.class,
                org.cryosiam.commands.SemanticFilterGroundTruthCommand.class,
                org.cryosiam.commands.SemanticTrainPreprocessCommand.class,
                org.cryosiam.commands.SemanticTrainCreatePatchesCommand.class,
                org.cryosiam.commands.SemanticTrainCommand.class,
                org.cryosiam.commands.ProcessingInvertScaleCommand.class,
                org.cryosiam.commands.ProcessingCreateSphereMaskCommand.class,
                org.cryosiam.commands.ProcessingCreateSphereMaskMulticlassCommand.class,
                org.cryosiam.commands.ProcessingCreateBinaryMapAfterStaCommand.class,
                org.cryosiam.commands.ProcessingCreateMulticlassFromBinaryMasksCommand.class,
                org.cryosiam.commands.ModelsCommand.class,
                org.cryosiam.commands.CheckpointInfoCommand.class,
                org.cryosiam.commands.InfoCommand.class,
                org.cryosiam.commands.ConvertCommand.class,
                org.cryosiam.commands.BenchmarkCommand.class,
                org.cryosiam.commands.SlurmCommand.class,
        })
public final class Main {
    /** Exit code of a user mistake (bad file, key, flag). */
    public static final int EXIT_USER_ERROR = Failures.USER_ERROR;
    /** Exit code of an internal error. */
    public static final int EXIT_INTERNAL_ERROR = Failures.INTERNAL_ERROR;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    // the global options of this invocation: set while parsing (on this instance, whichever command they follow),
    // then handed to the command as its RunContext
    private boolean quiet;
    private boolean debug;
    /** null: a GPU when libtorch sees one, else the CPU. */
    private String device;
    private org.cryosiam.nn.Precision precision = org.cryosiam.nn.Precision.FP32;
    private Long maxMemory;
    private org.cryosiam.nn.FlopCounter flops;

    @Option(names = "--quiet", scope = ScopeType.INHERIT, description = "Print only errors.")
    void setQuiet(boolean quiet) {
        this.quiet = quiet;
    }

    @Option(names = "--debug", scope = ScopeType.INHERIT, description = "Show stack traces of errors.")
    void setDebug(boolean debug) {
        this.debug = debug;
    }

    @Option(names = "--device", scope = ScopeType.INHERIT, paramLabel = "DEVICE",
            description = "Where networks run: cpu or cuda:N (default: the first GPU when libtorch sees one, else "
                    + "cpu).")
    void setDevice(String device) {
        this.device = device;
    }

    @Option(names = "--max_memory", scope = ScopeType.INHERIT, paramLabel = "SIZE",
            description = "Memory a dense prediction may use, e.g. 4G or 1500M (default: the machine's, or the "
                    + "container's or Slurm job's limit). The batch is lowered to fit; a tomogram that cannot fit "
                    + "even one patch at a time is refused before any work. Give the Java heap its share with "
                    + "JAVA_OPTS=-Xmx...")
    void setMaxMemory(String size) {
        try {
            this.maxMemory = org.cryosiam.inference.MemoryPlan.parseSize(size);
        } catch (CryosiamUserException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--max_memory: " + e.getMessage());
        }
    }

    @Option(names = "--precision", scope = ScopeType.INHERIT, paramLabel = "TYPE",
            description = {"Number type of the networks: fp32 (default, the reference's) or bf16 (needs a CPU with "
                    + "AVX-512-BF16 or AMX, or a GPU); about 3x less CPU time than fp32 on an AMX CPU. On the "
                    + "fixture tomograms bf16 moves raw outputs by at most 2%% of their range, keeps 99.98%% of "
                    + "semantic classes and gives instance maps an adjusted Rand index of 0.998; see the README."})
    void setPrecision(String precision) {
        try {
            this.precision = org.cryosiam.nn.Precision.parse(precision);
        } catch (CryosiamUserException e) { // a usage error: one sentence, as picocli reports bad option values
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    public static void main(String[] args) {
        Interrupts.install();
        // an interrupted run returns here only once unwound, so no native call is in flight during the exit
        String report = System.getenv(org.cryosiam.workflow.WholeCommandReport.ENV);
        if (report == null) {
            System.exit(run(args));
        }
        // a process the benchmark times: its FLOPs, the command's time and the process's peak RSS, for the parent
        org.cryosiam.nn.FlopCounter flops = new org.cryosiam.nn.FlopCounter();
        long start = System.nanoTime();
        int code = run(null, null, flops, args);
        org.cryosiam.workflow.WholeCommandReport.write(java.nio.file.Path.of(report), flops.total(),
                (System.nanoTime() - start) / 1e9);
        System.exit(code);
    }

    /** Runs the CLI in this JVM on standard output and error and returns the exit code. */
    public static int run(String... args) {
        return run(null, null, args);
    }

    public static int run(PrintWriter out, PrintWriter err, String... args) {
        return run(out, err, null, args);
    }

    /**
     * Runs the CLI in this JVM with its output and error on the given writers (null: standard output, standard
     * error) and returns the exit code (tests call this directly). Each call parses its own options into its own
     * {@link RunContext}: calls share nothing. {@code flops} (or null) counts the convolutions of the networks run.
     */
    public static int run(PrintWriter out, PrintWriter err, org.cryosiam.nn.FlopCounter flops, String... args) {
        System.setProperty("ai.djl.offline", "true");
        org.cryosiam.nn.Threads.configure();
        Main main = new Main();
        main.flops = flops;
        CommandLine cli = new CommandLine(main);
        if (out != null) {
            cli.setOut(out);
        }
        if (err != null) {
            cli.setErr(err);
        }
        cli.setOptionsCaseInsensitive(false);
        cli.setExecutionExceptionHandler(main::handleError);
        cli.setParameterExceptionHandler(new UsageErrors(EXIT_USER_ERROR));
        org.cryosiam.commands.CliShape.prune(cli);
        CommandLine.IExecutionStrategy last = new CommandLine.RunLast();
        cli.setExecutionStrategy(parsed -> {
            main.handContext(parsed);
            try {
                return last.execute(parsed);
            } catch (OutOfMemoryError e) {
                return main.outOfMemory(e, parsed.asCommandLineList().get(parsed.asCommandLineList().size() - 1));
            }
        });
        return cli.execute(args);
    }

    /**
     * The Java heap ran out: one sentence with the heap's size and what to change, not the JVM's stack trace. (The
     * memory plan of the dense commands refuses what it knows cannot fit; this catches the rest.)
     */
    private int outOfMemory(OutOfMemoryError e, CommandLine cmd) {
        PrintWriter err = cmd.getErr();
        if (debug) {
            e.printStackTrace(err);
        }
        long mb = Runtime.getRuntime().maxMemory() >> 20;
        err.println(cmd.getCommandSpec().qualifiedName() + ": out of Java memory (the heap may hold " + mb
                + " MB); give Java more with JAVA_OPTS=-Xmx..., or lower batch_size or --max_memory.");
        err.flush();
        return EXIT_INTERNAL_ERROR;
    }

    /** Builds the run's context from the parsed options and gives it to the commands about to run. */
    private void handContext(CommandLine.ParseResult parsed) {
        List<CommandLine> chain = parsed.asCommandLineList();
        CommandLine command = chain.get(chain.size() - 1);
        PrintWriter out = command.getOut();
        PrintWriter err = command.getErr();
        RunContext context = RunContext.of(out, err, quiet, debug, device, precision, maxMemory);
        if (flops != null) {
            context = context.withFlops(flops);
        }
        for (CommandLine c : chain) {
            if (c.getCommand() instanceof RunContext.Receiver r) {
                r.use(context);
            }
        }
    }

    private int handleError(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        return Failures.report(e, cmd.getCommandSpec().qualifiedName(), cmd.getErr(), debug);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"cryosiam " + ProductVersion.get()
                    + " (CryoSiam for the JVM; reads CryoSiam 1.0 configs and checkpoints)"};
        }
    }

    private Main() {
    }
}
