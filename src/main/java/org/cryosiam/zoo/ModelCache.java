package org.cryosiam.zoo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.checkpoint.Checkpoint;
import org.cryosiam.checkpoint.ModelKind;
import org.cryosiam.io.Json;

/**
 * A folder of downloaded models and its {@code manifest.json}: for each file the size and SHA-256 recorded when it
 * was first seen (downloaded, or first verified or used when put there by hand), checked on every later use.
 */
public final class ModelCache {
    public static final String MANIFEST = "manifest.json";

    private final Path dir;

    public ModelCache(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    /**
     * The user's model cache: system property {@code cryosiam.models}, else {@code $CRYOSIAM_MODELS}, else
     * {@code $XDG_CACHE_HOME/cryosiam/models}, else {@code ~/.cache/cryosiam/models}.
     */
    public static ModelCache user() {
        String d = System.getProperty("cryosiam.models");
        if (d == null || d.isBlank()) {
            d = System.getenv("CRYOSIAM_MODELS");
        }
        if (d != null && !d.isBlank()) {
            return new ModelCache(Path.of(d));
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return new ModelCache(base.resolve("cryosiam").resolve("models"));
    }

    /** The cache, or {@code override} when given (the {@code --dir} option). */
    public static ModelCache of(Path override) {
        return override == null ? user() : new ModelCache(override);
    }

    public Path dir() {
        return dir;
    }

    public Path path(ZooModel m) {
        return dir.resolve(m.file());
    }

    public boolean has(ZooModel m) {
        return Files.isRegularFile(path(m));
    }

    /** A recorded file: its size, SHA-256 and kind. */
    public record Entry(long size, String sha256, String kind) {
    }

    /** The manifest's entry for a file name, if any. */
    public Optional<Entry> entry(String fileName) {
        Object e = models().get(fileName);
        if (!(e instanceof Map<?, ?> m)) {
            return Optional.empty();
        }
        Object size = m.get("size");
        Object sha = m.get("sha256");
        if (!(size instanceof Number) || !(sha instanceof String)) {
            return Optional.empty();
        }
        return Optional.of(new Entry(((Number) size).longValue(), (String) sha, String.valueOf(m.get("kind"))));
    }

    /** The zoo model whose recorded SHA-256 is {@code sha256} (a published model saved under another name). */
    public Optional<ZooModel> bySha256(String sha256) {
        for (Map.Entry<String, Object> e : models().entrySet()) {
            if (e.getValue() instanceof Map<?, ?> m && sha256.equals(m.get("sha256"))) {
                Optional<ZooModel> z = Zoo.find(e.getKey());
                if (z.isPresent()) {
                    return z;
                }
            }
        }
        return Optional.empty();
    }

    /** Records (or replaces) the entry of {@code fileName}. */
    public void record(String fileName, long size, String sha256, ModelKind kind, String source) {
        try {
            Json.locked(dir.resolve(MANIFEST), () -> {
                Map<String, Object> root = readManifest();
                Map<String, Object> models = castMap(root.get("models"));
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("size", size);
                e.put("sha256", sha256);
                e.put("kind", kind.name());
                if (source != null) {
                    e.put("source", source);
                }
                e.put("recorded", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
                models.put(fileName, e);
                root.put("models", models);
                Json.writeAtomically(dir.resolve(MANIFEST), Json.write(root));
                return null;
            });
        } catch (IOException e) {
            throw new CryosiamUserException(dir.resolve(MANIFEST) + ": cannot write (" + e.getMessage() + ").", e);
        }
    }

    /** What {@link #check} found. */
    public enum State {
        /** Size and SHA-256 as recorded, and the expected kind. */
        OK,
        /** Not recorded before; now recorded (the kind was right). */
        RECORDED,
        MISSING,
        /** Size or SHA-256 differ from the manifest. */
        CORRUPTED,
        /** Not a checkpoint, or not the kind the zoo says. */
        WRONG_KIND
    }

    /** A check's outcome and its one-line explanation. */
    public record Check(State state, String message) {
        public boolean ok() {
            return state == State.OK || state == State.RECORDED;
        }
    }

    /**
     * Checks the cached file of {@code m} against the manifest (size, SHA-256) and its kind (opening it with the
     * checkpoint reader); a file with no manifest entry is recorded when its kind is right.
     */
    public Check check(ZooModel m) {
        Path file = path(m);
        if (!Files.isRegularFile(file)) {
            return new Check(State.MISSING, "not downloaded (run `cryosiam models download " + m.name() + "`)");
        }
        Optional<Entry> entry = entry(m.file());
        long size;
        String sha;
        try {
            size = Files.size(file);
            sha = sha256(file);
        } catch (IOException e) {
            return new Check(State.CORRUPTED, "cannot read (" + e.getMessage() + ")");
        }
        if (entry.isPresent()) {
            Entry e = entry.get();
            if (e.size() != size || !e.sha256().equals(sha)) {
                return new Check(State.CORRUPTED, "corrupted: " + (e.size() != size
                        ? "size " + size + " bytes, " + e.size() + " recorded"
                        : "SHA-256 " + sha + ", " + e.sha256() + " recorded")
                        + " (run `cryosiam models download " + m.name() + "` to fetch it again)");
            }
        }
        String kindProblem = kindProblem(file, m);
        if (kindProblem != null) {
            return new Check(State.WRONG_KIND, kindProblem);
        }
        if (entry.isEmpty()) {
            record(m.file(), size, sha, m.kind(), null);
            return new Check(State.RECORDED, "ok, recorded in the manifest (" + size + " bytes, SHA-256 " + sha + ")");
        }
        return new Check(State.OK, "ok (" + size + " bytes, SHA-256 " + sha + ")");
    }

    /** Null when {@code file} opens as a checkpoint of the kind of {@code m}; else why not. */
    static String kindProblem(Path file, ZooModel m) {
        ModelKind kind;
        try {
            kind = ModelKind.of(Checkpoint.load(file).stateDict().keySet());
        } catch (CryosiamUserException e) {
            return "not a CryoSiam checkpoint (" + e.getMessage() + ")";
        }
        if (kind != m.kind()) {
            return ModelResolver.withArticle(kind.description()) + " checkpoint, but " + m.name() + " is "
                    + ModelResolver.withArticle(m.kind().description()) + " model";
        }
        return null;
    }

    /** The zoo models present in this folder, in catalogue order. */
    public List<ZooModel> present() {
        return Zoo.all().stream().filter(this::has).toList();
    }

    private Map<String, Object> models() {
        return castMap(readManifest().get("models"));
    }

    private Map<String, Object> readManifest() {
        Path f = dir.resolve(MANIFEST);
        if (!Files.isRegularFile(f)) {
            return new LinkedHashMap<>();
        }
        try {
            Object o = Json.parse(Files.readString(f));
            if (o instanceof Map) {
                return castMap(o);
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        throw new CryosiamUserException(f + ": the model manifest is not readable JSON; move it away and run "
                + "`cryosiam models verify` to record the models again.");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Object o) {
        return o instanceof Map ? new LinkedHashMap<>((Map<String, Object>) o) : new LinkedHashMap<>();
    }

    private static final Map<String, String> HASHES = new ConcurrentHashMap<>();

    /** The file's SHA-256 in lower-case hex (remembered per path, size and modification time in this JVM). */
    public static String sha256(Path file) throws IOException {
        Path abs = file.toAbsolutePath().normalize();
        String key = abs + "\0" + Files.size(abs) + "\0" + Files.getLastModifiedTime(abs);
        String known = HASHES.get(key);
        if (known != null) {
            return known;
        }
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(abs)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        String hex = HexFormat.of().formatHex(md.digest());
        HASHES.put(key, hex);
        return hex;
    }
}
