package org.cryosiam.commands;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.checkpoint.Checkpoint;
import org.cryosiam.run.RunContext;
import org.cryosiam.zoo.Downloader;
import org.cryosiam.zoo.ModelCache;
import org.cryosiam.zoo.Zoo;
import org.cryosiam.zoo.ZooModel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cryosiam models}: the published CryoSiam models, downloaded into a local cache. */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = {"The eleven published CryoSiam models: list, download, verify, describe.",
                "The cache is $CRYOSIAM_MODELS, else ~/.cache/cryosiam/models; configs may then name a model "
                        + "(trained_model: cryosiam_denoising) instead of giving a path. Downloads come from "
                        + Zoo.DEFAULT_URL + " (or $CRYOSIAM_MODELS_URL)."},
        subcommands = {ModelsCommand.ListModels.class, ModelsCommand.Download.class, ModelsCommand.Verify.class,
                ModelsCommand.Info.class})
public final class ModelsCommand implements Runnable {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code --dir D}: another folder than the user's cache. */
    static class DirOption {
        @Option(names = "--dir", paramLabel = "DIR",
                description = "Model folder to use instead of the cache ($CRYOSIAM_MODELS, else ~/.cache/cryosiam/models).")
        Path dir;

        ModelCache cache() {
            return ModelCache.of(dir);
        }
    }

    static ZooModel model(String name) {
        return Zoo.find(name).orElseThrow(() -> new CryosiamUserException(Zoo.unknownName(name) + "."));
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the published models: task, the commands that use them, and whether each is downloaded.")
    static final class ListModels implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        DirOption dir;

        @Override
        public Integer call() throws IOException {
            ModelCache cache = dir.cache();
            PrintWriter out = spec.commandLine().getOut();
            out.println("model folder: " + cache.dir());
            for (ZooModel m : Zoo.all()) {
                out.printf(Locale.ROOT, "%-37s %-28s %s%n", m.name(), m.task(), String.join(", ", m.commands()));
                out.println("    " + m.description());
                Path p = cache.path(m);
                out.println("    " + (Files.isRegularFile(p)
                        ? "downloaded: " + p + String.format(Locale.ROOT, " (%.1f MB)", Files.size(p) / 1e6)
                        : "not downloaded (cryosiam models download " + m.name() + ")"));
            }
            return 0;
        }
    }

    @Command(name = "download", mixinStandardHelpOptions = true,
            description = {"Download published models into the model folder (resuming a partial download), check "
                    + "that each is the expected kind of checkpoint, and record its size and SHA-256.",
                    "A model already there that matches its record is kept."})
    static final class Download implements Callable<Integer>, RunContext.Receiver {
        private RunContext ctx;

        @Parameters(paramLabel = "NAME", arity = "0..*", description = "Model names (see `cryosiam models list`).")
        List<String> names = new ArrayList<>();

        @Option(names = "--all", description = "All eleven models.")
        boolean all;

        @CommandLine.Mixin
        DirOption dir;

        @Override
        public void use(RunContext context) {
            ctx = context;
        }

        @Override
        public Integer call() {
            if (all == !names.isEmpty()) {
                throw new CryosiamUserException("give model names or --all (not both); the models are: "
                        + Zoo.names() + ".");
            }
            List<ZooModel> models = all ? Zoo.all() : names.stream().map(ModelsCommand::model).distinct().toList();
            ModelCache cache = dir.cache();
            Downloader downloader = new Downloader(ctx.err(), ctx.quiet(), ctx.progress());
            List<String> failed = new ArrayList<>();
            for (ZooModel m : models) {
                try {
                    if (downloader.ensure(m, cache) == Downloader.Outcome.PRESENT) {
                        ctx.log().info(m.name() + ": already downloaded and verified (" + cache.path(m) + ")");
                    }
                } catch (CryosiamUserException e) {
                    if (models.size() == 1) {
                        throw e;
                    }
                    ctx.err().println("error: " + e.getMessage());
                    ctx.err().flush();
                    failed.add(m.name());
                }
            }
            if (!failed.isEmpty()) {
                throw new CryosiamUserException(failed.size() + " of " + models.size() + " models could not be "
                        + "downloaded (" + String.join(", ", failed) + "); see the messages above.");
            }
            return 0;
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Check downloaded models against the sizes and SHA-256 recorded at download, and their kind "
                    + "(all downloaded models when no name is given).")
    static final class Verify implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "NAME", arity = "0..*", description = "Model names.")
        List<String> names = new ArrayList<>();

        @CommandLine.Mixin
        DirOption dir;

        @Override
        public Integer call() {
            ModelCache cache = dir.cache();
            List<ZooModel> models = names.isEmpty()
                    ? Zoo.all().stream().filter(m -> cache.has(m) || cache.entry(m.file()).isPresent()).toList()
                    : names.stream().map(ModelsCommand::model).distinct().toList();
            if (models.isEmpty()) {
                spec.commandLine().getOut().println("no models in " + cache.dir() + " (cryosiam models download NAME…|--all)");
                return 0;
            }
            List<String> bad = new ArrayList<>();
            for (ZooModel m : models) {
                ModelCache.Check c = cache.check(m);
                spec.commandLine().getOut().println(m.name() + ": " + c.message());
                if (!c.ok()) {
                    bad.add(m.name());
                }
            }
            if (!bad.isEmpty()) {
                throw new CryosiamUserException(bad.size() + " of " + models.size() + " models failed verification ("
                        + String.join(", ", bad) + ").");
            }
            return 0;
        }
    }

    @Command(name = "info", mixinStandardHelpOptions = true,
            description = "Describe a published model (by name) or a checkpoint file: the zoo entry and what "
                    + "`checkpoint_info` prints.")
    static final class Info implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "NAME|FILE", description = "A model name or a .ckpt file.")
        String what;

        @Option(names = "--tensors", description = "Also list every tensor with its dtype and shape.")
        boolean listTensors;

        @CommandLine.Mixin
        DirOption dir;

        @Override
        public Integer call() throws IOException {
            ModelCache cache = dir.cache();
            PrintWriter out = spec.commandLine().getOut();
            Path asFile = Path.of(what);
            Optional<ZooModel> named = what.contains("/") ? Optional.empty() : Zoo.find(what);
            if (named.isPresent() && !Files.isRegularFile(asFile)) {
                ZooModel m = named.get();
                printEntry(m, cache, out);
                if (cache.has(m)) {
                    out.println();
                    CheckpointInfoCommand.print(Checkpoint.load(cache.path(m)), listTensors, out);
                }
                return 0;
            }
            if (!Files.isRegularFile(asFile)) {
                throw new CryosiamUserException("'" + what + "' is not a file, and " + Zoo.unknownName(what)
                        + ".");
            }
            Checkpoint ckpt = Checkpoint.load(asFile);
            CheckpointInfoCommand.print(ckpt, listTensors, out);
            ZooModel m = Zoo.find(asFile.getFileName().toString())
                    .filter(z -> z.file().equals(asFile.getFileName().toString()))
                    .or(() -> {
                        try {
                            return cache.bySha256(ModelCache.sha256(asFile));
                        } catch (IOException | CryosiamUserException e) {
                            return Optional.empty();
                        }
                    }).orElse(null);
            out.println();
            if (m == null) {
                out.println("zoo:       not a published CryoSiam model (by name or recorded SHA-256)");
            } else {
                printEntry(m, cache, out);
            }
            return 0;
        }

        private static void printEntry(ZooModel m, ModelCache cache, PrintWriter out) throws IOException {
            out.println("zoo name:  " + m.name() + " (" + m.file() + ")");
            out.println("task:      " + m.task());
            out.println("used by:   " + String.join(", ", m.commands()));
            out.println("about:     " + m.description());
            out.println("expects:   " + m.kind().description()
                    + (m.maskingType() == null ? "" : ", masking_type " + m.maskingType()));
            out.println("url:       " + Zoo.url(m));
            Path p = cache.path(m);
            if (Files.isRegularFile(p)) {
                out.println("local:     " + p + String.format(Locale.ROOT, " (%.1f MB)", Files.size(p) / 1e6));
                cache.entry(m.file()).ifPresent(e -> out.println("recorded:  " + e.size() + " bytes, SHA-256 "
                        + e.sha256()));
            } else {
                out.println("local:     not downloaded (cryosiam models download " + m.name() + ")");
            }
        }
    }
}
