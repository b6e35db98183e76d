package org.cryosiam.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.io.MrcWriter;
import org.cryosiam.io.NdData;
import org.cryosiam.log.Log;
import org.cryosiam.run.Failures;
import org.cryosiam.run.RunContext;
import org.cryosiam.workflow.DenoisePrediction;
import org.cryosiam.workflow.EmbeddingsClustering;
import org.cryosiam.workflow.EmbeddingsPrediction;
import org.cryosiam.workflow.EmbeddingsVisualization;
import org.cryosiam.workflow.InstanceFilter;
import org.cryosiam.workflow.InstancePrediction;
import org.cryosiam.workflow.SemanticPostprocessing;
import org.cryosiam.workflow.SemanticPrediction;
import org.cryosiam.workflow.SemanticToCenters;
import org.cryosiam.workflow.StepRun;

/**
 * The demo workflow: a phantom tomogram, the configs a user would write, every pipeline step on them (its workflow,
 * run in this JVM as its command runs it), and an HTML report with the quality against the phantom's ground truth.
 *
 * <p>Folder layout: {@code tomograms/phantom.mrc}, {@code truth/{clean,labels,instances,lamella}/phantom.mrc} (as
 * in the fixtures), {@code configs/*.yaml}, {@code commands.sh}, {@code models/} (when taken from the jar),
 * {@code out/<step>/…}, {@code report.html}.
 */
public final class Demo {
    /** The stem of the demo tomogram. */
    public static final String STEM = "phantom";
    /** The checkpoints the demo needs, named as in the fixtures. */
    public static final List<String> MODELS = List.of("denoise.ckpt", "lamella.ckpt", "semantic.ckpt",
            "particles.ckpt", "instance.ckpt", "embeddings.ckpt");
    /** Where a build bundles the demo models (class-path resource folder). */
    public static final String MODEL_RESOURCES = "org/cryosiam/demo/models/";
    private static final String MARKER = ".cryosiam-demo";
    private static final List<String> OWN = List.of("tomograms", "truth", "configs", "out", "models", "commands.sh",
            "report.html");

    /**
     * Phantom sizes: {@code small} for a quick look, {@code default} for the demo. Sizes of the form 16k + 8 waste
     * the least of the sliding window (32³ patches, step 16, a last start within 8 voxels of the end is skipped):
     * 40×72×72 takes 2·4·4 patches per model, 88×152×152 takes 5·9·9.
     */
    public enum Size {
        SMALL(40, 72, 72), DEFAULT(88, 152, 152);

        final int nz, ny, nx;

        Size(int nz, int ny, int nx) {
            this.nz = nz;
            this.ny = ny;
            this.nx = nx;
        }

        /** {@code small} or {@code default}, as the command line spells them. */
        public static Size parse(String name) {
            return switch (name) {
                case "small" -> SMALL;
                case "default" -> DEFAULT;
                default -> throw new org.cryosiam.CryosiamUserException("--size must be small or default, not '"
                        + name + "'.");
            };
        }

        public Phantom.Spec spec(long seed) {
            return Phantom.Spec.of(nz, ny, nx, seed);
        }
    }

    /** One pipeline step: the CLI arguments (after the command name) and how long it took. */
    public record Step(String command, String config, double seconds) {
    }

    /** One step of the plan: its workflow's step and its config file. */
    record Planned(org.cryosiam.workflow.Step step, String config) {
        static Planned of(org.cryosiam.workflow.Step step, String config) {
            return new Planned(step, config);
        }

        /** The command as typed. */
        String command() {
            return step.name();
        }
    }

    /** What a run produced. */
    public record Outcome(Path dir, Phantom.Result phantom, List<Step> steps, double phantomSeconds,
                          double reportSeconds, Report.Metrics metrics) {
        public double totalSeconds() {
            return phantomSeconds + reportSeconds + steps.stream().mapToDouble(Step::seconds).sum();
        }
    }

    private final Path dir;
    private final Path modelsArg;
    private final Phantom.Spec spec;
    private final Log log;
    /** The context the steps run in: the demo's, quiet, with the device and debug option passed on. */
    private final RunContext steps;

    /**
     * @param models a folder with the six checkpoints, or null for the models bundled in the jar
     * @param ctx    the demo's run: its log reports the steps, its device and {@code --debug} are passed on to them,
     *               its command line runs the step without a workflow
     */
    public Demo(Path dir, Path models, Phantom.Spec spec, RunContext ctx) {
        this.dir = dir.toAbsolutePath().normalize();
        this.modelsArg = models == null ? null : models.toAbsolutePath().normalize();
        this.spec = spec;
        this.log = ctx.log();
        this.steps = RunContext.of(ctx.out(), ctx.err(), true, ctx.debug(), ctx.device(), null, null);
    }

    /**
     * Writes only the phantom (tomogram and ground truth) and returns it: the input of {@code
     * scripts/train-demo-models.sh}; needs no models.
     */
    public Phantom.Result phantomOnly() throws IOException {
        prepareFolder();
        long t0 = System.nanoTime();
        Phantom.Result phantom = Phantom.generate(spec);
        writePhantom(phantom);
        say(String.format("phantom %dx%dx%d (%d particles, seed %d) written to %s in %.1f s", spec.nz(), spec.ny(),
                spec.nx(), phantom.particles().size(), spec.seed(), dir, seconds(t0)));
        return phantom;
    }

    public Outcome run() throws IOException {
        checkModels();
        prepareFolder();
        Path models = models();

        long t0 = System.nanoTime();
        Phantom.Result phantom = Phantom.generate(spec);
        writePhantom(phantom);
        double phantomSeconds = seconds(t0);
        say(String.format("phantom %dx%dx%d (%d particles, seed %d) written in %.1f s", spec.nz(), spec.ny(),
                spec.nx(), phantom.particles().size(), spec.seed(), phantomSeconds));

        Path configs = dir.resolve("configs");
        Files.createDirectories(configs);
        for (Map.Entry<String, String> c : DemoConfigs.all(dir, models).entrySet()) {
            Files.writeString(configs.resolve(c.getKey()), c.getValue());
        }
        List<Planned> plan = plan();
        StringBuilder sh = new StringBuilder("#!/bin/sh\n# The steps `cryosiam demo` ran, in order.\nset -e\n"
                + "# The launcher that ran them (cryosiam need not be on PATH); set CRYOSIAM to use another.\n"
                + "CRYOSIAM=\"${CRYOSIAM:-" + launcher() + "}\"\n"
                + "cd \"$(dirname \"$0\")/configs\"\n");
        for (Planned p : plan) {
            sh.append("$CRYOSIAM ").append(p.command()).append(" --config_file ").append(p.config()).append('\n');
        }
        Files.writeString(dir.resolve("commands.sh"), sh.toString());

        List<Step> done = new ArrayList<>();
        for (int i = 0; i < plan.size(); i++) {
            Planned p = plan.get(i);
            long s = System.nanoTime();
            int rc = run(p, configs.resolve(p.config()));
            double sec = seconds(s);
            if (rc != 0) {
                throw new StepFailed(rc, "demo: step " + (i + 1) + " (" + p.command() + " --config_file configs/"
                        + p.config() + ") failed with exit code " + rc + "; its message is above.");
            }
            done.add(new Step(p.command(), p.config(), sec));
            say(String.format("[%2d/%d] %-38s %-16s %6.1f s", i + 1, plan.size(), p.command(), p.config(), sec));
        }

        long r = System.nanoTime();
        Report.Metrics metrics = Report.metrics(dir, phantom);
        Outcome partial = new Outcome(dir, phantom, done, phantomSeconds, 0, metrics);
        Report.write(partial, dir.resolve("report.html"));
        Outcome outcome = new Outcome(dir, phantom, done, phantomSeconds, seconds(r), metrics);
        say(String.format("report %s (total %.1f s)", dir.resolve("report.html"), outcome.totalSeconds()));
        return outcome;
    }

    /** Two lines with the quality numbers, for the terminal. */
    public static List<String> summary(Outcome o) {
        return Report.summary(o.metrics());
    }

    /** The steps: command, config file and workflow, in order. */
    static List<Planned> plan() {
        return List.of(
                Planned.of(DenoisePrediction.STEP, "denoise.yaml"),
                Planned.of(SemanticPrediction.STEP, "lamella.yaml"),
                Planned.of(SemanticPrediction.STEP, "semantic.yaml"),
                Planned.of(SemanticPostprocessing.STEP, "semantic.yaml"),
                Planned.of(SemanticPrediction.STEP, "particles.yaml"),
                Planned.of(SemanticToCenters.STEP, "particles.yaml"),
                Planned.of(InstancePrediction.STEP, "instance.yaml"),
                Planned.of(InstanceFilter.STEP, "instance.yaml"),
                Planned.of(EmbeddingsPrediction.STEP, "embeddings.yaml"),
                Planned.of(EmbeddingsClustering.KMEANS, "embeddings.yaml"),
                Planned.of(EmbeddingsVisualization.STEP, "embeddings.yaml"));
    }

    /**
     * Runs one step on {@code config} as its command line would ({@code [--device D] [--debug] --quiet <command>
     * --config_file <config>}, the arguments its run record notes) and returns its exit code; a failed step has
     * reported itself as its command does.
     */
    private int run(Planned p, Path config) {
        List<String> args = new ArrayList<>();
        if (steps.device() != null) {
            args.add("--device");
            args.add(steps.device());
        }
        if (steps.debug()) {
            args.add("--debug");
        }
        args.addAll(List.of("--quiet", p.command(), "--config_file", config.toString()));
        try {
            StepRun.execute(p.step(), args, config, StepRun.Selection.ALL, steps);
            return 0;
        } catch (Exception e) {
            return Failures.report(e, "cryosiam " + p.command(), steps.err(), steps.debug());
        }
    }

    /** A step's command failed; it has printed its own message, this one says where the demo stopped. */
    public static final class StepFailed extends RuntimeException {
        private final int exitCode;

        StepFailed(int exitCode, String message) {
            super(message);
            this.exitCode = exitCode;
        }

        public int exitCode() {
            return exitCode;
        }
    }

    /** An empty folder, or the demo's own earlier output (then its files are replaced); anything else is refused. */
    private void prepareFolder() throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new CryosiamUserException(dir + ": --out is a file, not a folder.");
        }
        if (Files.isDirectory(dir)) {
            boolean empty;
            try (Stream<Path> s = Files.list(dir)) {
                empty = s.findAny().isEmpty();
            }
            if (!empty && !Files.exists(dir.resolve(MARKER))) {
                throw new CryosiamUserException(dir + ": the folder is not empty and not an earlier demo's output; "
                        + "choose another --out.");
            }
            for (String own : OWN) {
                deleteTree(dir.resolve(own));
            }
        }
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(MARKER), "written by cryosiam demo; its files are replaced on the next run\n");
    }

    /** Fails before anything is written when the checkpoints are not there. */
    private void checkModels() {
        if (modelsArg != null) {
            for (String m : MODELS) {
                if (!Files.isRegularFile(modelsArg.resolve(m))) {
                    throw new CryosiamUserException(modelsArg + ": --models has no " + m + " (the demo needs "
                            + String.join(", ", MODELS) + ").");
                }
            }
            return;
        }
        ClassLoader loader = Demo.class.getClassLoader();
        for (String m : MODELS) {
            if (loader.getResource(MODEL_RESOURCES + m) == null) {
                throw new CryosiamUserException("the demo models are not bundled in this build; pass a folder with "
                        + String.join(", ", MODELS) + " as --models DIR (for example the fixture models in "
                        + "../shared/fixtures/pipeline_small/models).");
            }
        }
    }

    /** The folder of the six checkpoints: {@code --models}, else the jar's, extracted to {@code models/}. */
    private Path models() throws IOException {
        if (modelsArg != null) {
            return modelsArg;
        }
        ClassLoader loader = Demo.class.getClassLoader();
        Path target = dir.resolve("models");
        Files.createDirectories(target);
        for (String m : MODELS) {
            try (InputStream in = loader.getResourceAsStream(MODEL_RESOURCES + m)) {
                Files.copy(in, target.resolve(m), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return target;
    }

    private void writePhantom(Phantom.Result p) throws IOException {
        int nz = spec.nz(), ny = spec.ny(), nx = spec.nx();
        float[] vs = p.tomogram().voxelSize();
        Files.createDirectories(dir.resolve("tomograms"));
        MrcWriter.write(dir.resolve("tomograms").resolve(STEM + ".mrc"), p.tomogram());
        Path truth = dir.resolve("truth");
        for (String sub : List.of("clean", "labels", "instances", "lamella")) {
            Files.createDirectories(truth.resolve(sub));
        }
        MrcWriter.write(truth.resolve("clean").resolve(STEM + ".mrc"), p.clean());
        MrcWriter.write(truth.resolve("labels").resolve(STEM + ".mrc"), NdData.uint16(toShorts(p.labels()), nz, ny, nx), vs);
        short[] ids = new short[p.instances().length];
        for (int i = 0; i < ids.length; i++) {
            if (p.instances()[i] > 0xffff) {
                throw new IllegalStateException("more than 65535 particles");
            }
            ids[i] = (short) p.instances()[i];
        }
        MrcWriter.write(truth.resolve("instances").resolve(STEM + ".mrc"), NdData.uint16(ids, nz, ny, nx), vs);
        MrcWriter.write(truth.resolve("lamella").resolve(STEM + ".mrc"), NdData.uint16(toShorts(p.lamella()), nz, ny, nx), vs);
    }

    private static short[] toShorts(byte[] b) {
        short[] s = new short[b.length];
        for (int i = 0; i < b.length; i++) {
            s[i] = (short) (b[i] & 0xff);
        }
        return s;
    }

    private void say(String line) {
        log.info(line);
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(q);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** How commands.sh calls this program ({@link org.cryosiam.Launcher#command}). */
    static String launcher() {
        return org.cryosiam.Launcher.command();
    }
}
