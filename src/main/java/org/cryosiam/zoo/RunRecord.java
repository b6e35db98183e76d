package org.cryosiam.zoo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.ProductVersion;
import org.cryosiam.io.AtomicFile;
import org.cryosiam.io.Hdf5;
import org.cryosiam.io.Json;
import org.cryosiam.io.OutputSink;
import org.cryosiam.log.Log;

/**
 * The reproducibility record of one run of a config-driven command, appended to
 * {@code <prediction_folder>/cryosiam_run.json} (a JSON array, one object per run, oldest first): product version,
 * command and arguments, the config file's text, the models used (file, size, SHA-256, zoo name), device, start and
 * end time, status and the files written. It is the run's {@link OutputSink}: every {@link AtomicFile} output written
 * with it is noted here and every HDF5 output gets the attributes {@code cryosiam_version}, {@code cryosiam_model} and
 * {@code cryosiam_model_sha256}.
 */
public final class RunRecord implements AutoCloseable, OutputSink {
    public static final String FILE = "cryosiam_run.json";

    private final String command;
    private final List<String> arguments;
    private final Path configFile;
    private final String configText;
    private final Path folder;
    private final Log log;
    private final OffsetDateTime start = now();
    private final List<Map<String, Object>> models = new ArrayList<>();
    private final Set<Path> written = new LinkedHashSet<>();
    private String device;
    private String error;
    private boolean succeeded;
    private boolean interrupted;
    /** Tomograms left to another run that held their lock, with the holder (e.g. "TS_01.mrc (PID 1234 on node7)"). */
    private final List<String> skippedLocked = new ArrayList<>();
    /** The earlier runs recorded in {@code folder}, read once when first asked (this run appends only at close). */
    private List<?> earlierRuns;

    private RunRecord(String command, List<String> arguments, Path configFile, String configText, Path folder,
                      Log log) {
        this.command = command;
        this.arguments = List.copyOf(arguments);
        this.configFile = configFile;
        this.configText = configText;
        this.folder = folder;
        this.log = log;
    }

    /**
     * Opens the record of a run that writes into {@code folder} (null: nothing is recorded on disk, but models and
     * HDF5 attributes are still noted). The command passes it down to what notes models and reads it ({@code
     * RunContext.record()}).
     *
     * @param log where a damaged record file is reported
     */
    public static RunRecord begin(String command, List<String> arguments, Path configFile, Path folder, Log log) {
        String text;
        try {
            text = Files.readString(configFile);
        } catch (IOException | RuntimeException e) {
            text = null;
        }
        return new RunRecord(command, arguments, configFile, text, folder, log);
    }

    /** Notes a model read by this run ({@code key}: the config key, e.g. {@code trained_model}). */
    public synchronized void model(String key, Path file, ZooModel zoo, long size, String sha256) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key", key);
        m.put("name", zoo == null ? null : zoo.name());
        m.put("file_name", file.getFileName().toString());
        m.put("file", file.toAbsolutePath().normalize().toString());
        m.put("size", size);
        m.put("sha256", sha256);
        models.removeIf(o -> o.get("key").equals(key));
        models.add(m);
    }

    /** Notes where the networks ran ({@code cpu}, {@code cuda:0}). */
    public synchronized void device(String device) {
        this.device = device;
    }

    @Override
    public synchronized void written(Path file) {
        written.add(file.toAbsolutePath().normalize());
    }

    public synchronized void succeeded() {
        succeeded = true;
    }

    public synchronized void failed(Throwable e) {
        error = e.getMessage() == null ? e.toString() : e.getMessage();
    }

    /**
     * The run was stopped by SIGINT or SIGTERM ({@code why}: where it stopped); recorded with status
     * {@code interrupted} even when it wrote nothing, so that the folder tells why its outputs are missing.
     */
    public synchronized void interrupted(String why) {
        interrupted = true;
        error = why;
    }

    /** A tomogram that another run was computing (its lock was held) and this run skipped. */
    public synchronized void skippedLocked(String what) {
        skippedLocked.add(what);
    }

    /** What every HDF5 output of this run carries in its root group. */
    @Override
    public synchronized Map<String, String> hdf5Attributes() {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("cryosiam_version", ProductVersion.get());
        // what made the file, so that a later run can tell whether reusing it is right
        a.put("cryosiam_command", command);
        if (configText != null) {
            a.put("cryosiam_config_sha256", sha256(configText));
        }
        if (!models.isEmpty()) {
            Map<String, Object> m = models.get(0);
            a.put("cryosiam_model", String.valueOf(m.get("name") != null ? m.get("name") : m.get("file_name")));
            a.put("cryosiam_model_sha256", String.valueOf(m.get("sha256")));
        }
        return a;
    }

    /** The keys of {@link #hdf5Attributes} that say which run made a file: command, config text and model. */
    public static final List<String> MADE_BY = List.of("cryosiam_command", "cryosiam_config_sha256",
            "cryosiam_model_sha256");

    /**
     * What made {@code file}, in the {@link #MADE_BY} keys: an HDF5 file's own root attributes (they survive a
     * killed run), any other file's latest run in this run's folder's record that lists it as written; empty when
     * neither says.
     */
    public Map<String, String> madeBy(Path file) {
        Map<String, String> out = new LinkedHashMap<>();
        if (file.getFileName().toString().endsWith(".h5")) {
            try {
                Hdf5.attributes(file).forEach((k, v) -> {
                    if (MADE_BY.contains(k)) {
                        out.put(k, String.valueOf(v));
                    }
                });
            } catch (RuntimeException e) {
                // unreadable: made by nothing we know, so it is recomputed
            }
            return out;
        }
        Path wanted = file.toAbsolutePath().normalize();
        List<?> runs = earlierRuns();
        for (int i = runs.size() - 1; i >= 0; i--) {
            if (runs.get(i) instanceof Map<?, ?> run && run.get("files_written") instanceof List<?> files
                    && files.stream().anyMatch(f -> base().resolve(String.valueOf(f)).normalize().equals(wanted))) {
                out.put("cryosiam_command", String.valueOf(run.get("command")));
                if (run.get("config") instanceof String text) {
                    out.put("cryosiam_config_sha256", sha256(text));
                }
                if (run.get("models") instanceof List<?> models && !models.isEmpty()
                        && models.get(0) instanceof Map<?, ?> m && m.get("sha256") != null) {
                    out.put("cryosiam_model_sha256", String.valueOf(m.get("sha256")));
                }
                return out;
            }
        }
        return out;
    }

    private Path base() {
        return folder.toAbsolutePath().normalize();
    }

    private synchronized List<?> earlierRuns() {
        if (earlierRuns == null) {
            earlierRuns = List.of();
            Path f = folder == null ? null : folder.resolve(FILE);
            if (f != null && Files.isRegularFile(f)) {
                try {
                    if (Json.parse(Files.readString(f)) instanceof List<?> l) {
                        earlierRuns = l;
                    }
                } catch (IOException | RuntimeException e) {
                    // an unreadable record vouches for nothing; append() sets it aside at close
                }
            }
        }
        return earlierRuns;
    }

    /**
     * Closes the run: appends its record when it succeeded, was interrupted or wrote something (a failed run that
     * wrote nothing leaves the folder alone).
     */
    @Override
    public void close() {
        if (folder == null || (!succeeded && !interrupted && written.isEmpty())) {
            return;
        }
        append(folder.resolve(FILE), toMap(), log);
    }

    synchronized Map<String, Object> toMap() {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("product", "cryosiam (CryoSiam for the JVM)");
        r.put("version", ProductVersion.get());
        r.put("command", command);
        r.put("arguments", arguments);
        r.put("config_file", configFile.toAbsolutePath().normalize().toString());
        r.put("config", configText);
        r.put("models", models);
        r.put("device", device != null ? device : "cpu");
        r.put("start", start.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        r.put("end", now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        r.put("status", succeeded ? "ok" : interrupted ? "interrupted" : "failed");
        if (!succeeded && error != null) {
            r.put("error", error);
        }
        if (!skippedLocked.isEmpty()) {
            r.put("skipped_locked", List.copyOf(skippedLocked));
        }
        Path base = base();
        List<String> files = new ArrayList<>();
        for (Path p : written) {
            files.add(p.startsWith(base) ? base.relativize(p).toString() : p.toString());
        }
        r.put("files_written", files);
        r.put("java", System.getProperty("java.version"));
        return r;
    }

    /**
     * Appends {@code record} to the JSON array in {@code file} under a lock, replacing the file atomically. A file
     * that is not such an array is never overwritten: it is moved aside ({@code .unreadable-<time>}) with a warning.
     */
    static void append(Path file, Map<String, Object> record, Log log) {
        try {
            Json.locked(file, () -> {
                List<Object> records = new ArrayList<>();
                if (Files.isRegularFile(file)) {
                    Object old;
                    try {
                        old = Json.parse(Files.readString(file));
                    } catch (RuntimeException | IOException e) {
                        old = null;
                    }
                    if (old instanceof List<?> l) {
                        records.addAll(l);
                    } else {
                        Path aside = file.resolveSibling(file.getFileName() + ".unreadable-"
                                + now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
                        Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
                        log.warn(file + " was not a JSON array of runs; kept it as " + aside
                                + " and started a new one.");
                    }
                }
                records.add(record);
                Json.writeAtomically(file, Json.write(records));
                return null;
            });
        } catch (IOException e) {
            throw new CryosiamUserException(file + ": cannot write the run record (" + e.getMessage() + ").", e);
        }
    }

    private static String sha256(String text) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(d);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now().truncatedTo(ChronoUnit.MILLIS);
    }
}
