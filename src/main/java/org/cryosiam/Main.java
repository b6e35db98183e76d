package org.cryosiam;

import java.io.PrintWriter;

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
    public static final int EXIT_USER_ERROR = 2;
    /** Exit code of an internal error. */
    public static final int EXIT_INTERNAL_ERROR = 1;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--quiet", scope = ScopeType.INHERIT, description = "Print only errors.")
    void setQuiet(boolean quiet) {
        GlobalOptions.quiet = quiet;
    }

    @Option(names = "--debug", scope = ScopeType.INHERIT, description = "Show stack traces of errors.")
    void setDebug(boolean debug) {
        GlobalOptions.debug = debug;
    }

    @Option(names = "--device", scope = ScopeType.INHERIT, paramLabel = "DEVICE",
            description = "Where networks run: cpu or cuda:N (default: the first GPU when libtorch sees one, else "
                    + "cpu).")
    void setDevice(String device) {
        GlobalOptions.device = device;
    }

    @Option(names = "--max_memory", scope = ScopeType.INHERIT, paramLabel = "SIZE",
            description = "Memory a dense prediction may use, e.g. 4G or 1500M (default: the machine's, or the "
                    + "container's or Slurm job's limit). The batch is lowered to fit; a tomogram that cannot fit "
                    + "even one patch at a time is refused before any work. Give the Java heap its share with "
                    + "JAVA_OPTS=-Xmx...")
    void setMaxMemory(String size) {
        try {
            GlobalOptions.maxMemory = org.cryosiam.inference.MemoryPlan.parseSize(size);
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
            GlobalOptions.precision = org.cryosiam.nn.Precision.parse(precision);
        } catch (CryosiamUserException e) { // a usage error: one sentence, as picocli reports bad option values
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI in this JVM and returns the exit code (tests call this directly). */
    public static int run(String... args) {
        GlobalOptions.reset();
        System.setProperty("ai.djl.offline", "true");
        org.cryosiam.nn.Threads.configure();
        CommandLine cli = new CommandLine(new Main());
        cli.setOptionsCaseInsensitive(false);
        cli.setExecutionExceptionHandler(Main::handleError);
        cli.setParameterExceptionHandler(new UsageErrors());
        CliShape.prune(cli);
        if (!cli.getSubcommands().isEmpty()) {
            cli.setExecutionStrategy(new CommandLine.RunLast());
        }
        return cli.execute(args);
    }

    private static int handleError(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        if (GlobalOptions.debug) {
            e.printStackTrace(err);
        }
        CryosiamUserException user = findUserError(e);
        if (user != null) {
            String msg = String.valueOf(user.getMessage()).strip();
            // every user error is a sentence, whichever part of the code worded it
            err.println(cmd.getCommandSpec().qualifiedName() + ": " + msg + (msg.matches("(?s).*[.?!]") ? "" : "."));
            err.flush();
            return EXIT_USER_ERROR;
        }
        err.println(cmd.getCommandSpec().qualifiedName() + ": internal error: " + e
                + (GlobalOptions.debug ? "" : " (rerun with --debug for the stack trace)"));
        err.flush();
        return EXIT_INTERNAL_ERROR;
    }

    private static CryosiamUserException findUserError(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CryosiamUserException) {
                return (CryosiamUserException) t;
            }
        }
        return null;
    }

    /** Options that apply to every command. */
    public static final class GlobalOptions {
        public static volatile boolean quiet;
        public static volatile boolean debug;
        /** null: a GPU when libtorch sees one, else the CPU. */
        public static volatile String device;
        public static volatile org.cryosiam.nn.Precision precision = org.cryosiam.nn.Precision.FP32;
        /** null: the machine's memory. */
        public static volatile Long maxMemory;

        private GlobalOptions() {
        }

        static void reset() {
            quiet = false;
            debug = false;
            device = null;
            precision = org.cryosiam.nn.Precision.FP32;
            maxMemory = null;
        }
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
