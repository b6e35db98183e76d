package org.cryosiam.zoo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.checkpoint.ModelKind;
import org.cryosiam.config.Config;

/**
 * {@code trained_model} / {@code pretrained_model} values: an existing path is used as is; otherwise a zoo name
 * ({@code cryosiam_denoising} or {@code cryosiam_denoising.ckpt}) means the file in the model cache. A cached zoo file
 * must match its manifest entry. Every resolved model is noted in the run's {@link RunRecord}, when there is one.
 */
public final class ModelResolver {
    private ModelResolver() {
    }

    /** A resolved model file and, when it is a published model, its zoo entry. */
    public record Resolved(String key, Path file, ZooModel zoo, ModelCache cache) {
        public String displayName() {
            return zoo != null ? zoo.name() : file.getFileName().toString();
        }
    }

    /** Resolves {@code cfg}'s {@code key} (required), noted in {@code run} (null: no record). */
    public static Resolved resolve(Config cfg, String key, RunRecord run) {
        return resolve(cfg.string(key), key, cfg.source(), run);
    }

    /** Resolves a value given under {@code key} in {@code source} (a config file, for messages). */
    public static Resolved resolve(String value, String key, String source, RunRecord run) {
        ModelCache cache = ModelCache.user();
        Path asPath = null;
        try {
            asPath = Path.of(value);
        } catch (RuntimeException e) {
            // not a path on this system: perhaps a name
        }
        Optional<ZooModel> named = value.contains("/") || value.contains("\\") ? Optional.empty() : Zoo.find(value);
        Resolved r;
        if (asPath != null && Files.isDirectory(asPath)) {
            throw new CryosiamUserException(source + ": " + key + " " + value + " is a folder, not a checkpoint; "
                    + "name the .ckpt file itself" + checkpointsIn(asPath) + ".");
        }
        if (asPath != null && Files.exists(asPath)) {
            r = new Resolved(key, asPath, identify(asPath, cache), cache);
        } else if (named.isPresent()) {
            ZooModel m = named.get();
            Path cached = cache.path(m);
            if (!Files.isRegularFile(cached)) {
                throw new CryosiamUserException(source + ": " + key + " " + value + " is a published model that is "
                        + "not downloaded yet (looked in " + cache.dir() + "): run `cryosiam models download "
                        + m.name() + "` first.");
            }
            r = new Resolved(key, cached, m, cache);
        } else if (asPath != null && asPath.getParent() == null && !value.contains(".")) {
            // a bare word that is no file: meant as a model name
            throw new CryosiamUserException(source + ": " + key + " " + value + " is not a file, and "
                    + Zoo.unknownName(value) + ".");
        } else {
            return register(new Resolved(key, asPath != null ? asPath : Path.of(value), null, cache), run);
        }
        return register(r, run);
    }

    /** ", e.g. DIR/x.ckpt" naming up to three checkpoints in {@code dir}, or nothing when it holds none. */
    private static String checkpointsIn(Path dir) {
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            List<String> found = files.filter(f -> f.getFileName().toString().endsWith(".ckpt"))
                    .map(Path::toString).sorted().limit(3).toList();
            return found.isEmpty() ? "" : " (there: " + String.join(", ", found) + ")";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** Notes a model file that came from no config value (e.g. {@code log_dir/model/last.ckpt}). */
    public static Resolved of(Path file, String key, RunRecord run) {
        ModelCache cache = ModelCache.user();
        return register(new Resolved(key, file, Files.exists(file) ? identify(file, cache) : null, cache), run);
    }

    /**
     * The zoo model a file is: the file name of a published model, or (renamed) a SHA-256 recorded for one in the
     * cache's manifest; null when neither.
     */
    static ZooModel identify(Path file, ModelCache cache) {
        Optional<ZooModel> byName = Zoo.find(file.getFileName().toString())
                .filter(m -> file.getFileName().toString().equals(m.file()));
        if (byName.isPresent()) {
            return byName.get();
        }
        try {
            if (Files.isRegularFile(cache.dir().resolve(ModelCache.MANIFEST)) && Files.isRegularFile(file)) {
                return cache.bySha256(ModelCache.sha256(file)).orElse(null);
            }
        } catch (IOException | CryosiamUserException e) {
            // an unreadable file is reported by the checkpoint reader; a bad manifest by `models verify`
        }
        return null;
    }

    /** Verifies a cached zoo file against the manifest and notes the model in the run record. */
    private static Resolved register(Resolved r, RunRecord run) {
        Path file = r.file();
        if (!Files.isRegularFile(file)) {
            return r; // the checkpoint reader says "file not found"
        }
        long size;
        String sha;
        try {
            size = Files.size(file);
            sha = ModelCache.sha256(file);
        } catch (IOException e) {
            throw new CryosiamUserException(file + ": cannot read (" + e.getMessage() + ").", e);
        }
        if (r.zoo() != null && inCache(r)) {
            Optional<ModelCache.Entry> e = r.cache().entry(r.zoo().file());
            if (e.isPresent() && (e.get().size() != size || !e.get().sha256().equals(sha))) {
                throw new CryosiamUserException(file + ": the file differs from the one downloaded (size or SHA-256 "
                        + "not as recorded in " + r.cache().dir().resolve(ModelCache.MANIFEST) + "): run `cryosiam "
                        + "models download " + r.zoo().name() + "` to fetch it again.");
            }
        }
        if (run != null) {
            run.model(r.key(), file, r.zoo(), size, sha);
        }
        return r;
    }

    private static boolean inCache(Resolved r) {
        try {
            return r.file().toAbsolutePath().normalize().equals(r.cache().path(r.zoo()));
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * After the command found the checkpoint to be {@code kind} and accepted it: a cached published file with no
     * manifest entry yet (put there by hand) is recorded now, when its kind is the zoo's; the device is noted.
     */
    public static void accepted(Resolved r, ModelKind kind, String device, RunRecord run) {
        if (run != null && device != null) {
            run.device(device);
        }
        if (r.zoo() != null && r.zoo().kind() == kind && inCache(r)
                && r.cache().entry(r.zoo().file()).isEmpty()) {
            try {
                r.cache().record(r.zoo().file(), Files.size(r.file()), ModelCache.sha256(r.file()), kind, null);
            } catch (IOException | CryosiamUserException e) {
                // recording is a convenience here; `cryosiam models verify` reports a folder we cannot write
            }
        }
    }

    /** "a semantic …", "an instance …". */
    static String withArticle(String phrase) {
        return (phrase.matches("(?i)^[aeiou].*") ? "an " : "a ") + phrase;
    }

    /** The one-sentence error for a model of the wrong kind, naming the published models that fit. */
    public static String kindMismatch(Resolved r, ModelKind actual, ModelKind expected, String command) {
        String fit = Zoo.namesOfKind(expected);
        return r.file() + ": this is " + withArticle(actual.description()) + " model; " + command + " needs "
                + withArticle(expected.description()) + " model" + (fit.isEmpty() ? "" : " (published: " + fit + ")") + ".";
    }

    /**
     * The embedding-model warnings (null when none): a masked model used to embed around centres (the docs require
     * the no-masking model), or a {@code masking_type} other than the one the model was trained with.
     */
    public static String embeddingWarning(Resolved r, String command, Integer maskingType) {
        ZooModel z = r.zoo();
        if (z == null || z.maskingType() == null) {
            return null;
        }
        String noMasking = Zoo.embeddingForMasking(0).map(ZooModel::name).orElse("the no-masking model");
        if (command.equals("simsiam_embeddings_from_centers_predict")) {
            if (z.maskingType() != 0) {
                return z.name() + " was trained on masked patches (masking_type " + z.maskingType() + "), but "
                        + command + " embeds unmasked patches around centres: the CryoSiam documentation requires "
                        + noMasking + " for this command.";
            }
            return null;
        }
        if (maskingType != null && !maskingType.equals(z.maskingType())) {
            String fit = Zoo.embeddingForMasking(maskingType).map(ZooModel::name).orElse(null);
            return "masking_type is " + maskingType + " but " + z.name() + " was trained with masking_type "
                    + z.maskingType() + (fit == null ? "" : "; use " + fit + " for masking_type " + maskingType)
                    + " or set masking_type: " + z.maskingType() + ".";
        }
        return null;
    }
}
