package org.cryosiam.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The little JSON we keep (the zoo manifest, {@code cryosiam_run.json}, Zarr metadata). Written by hand (maps, lists, strings,
 * numbers, booleans, null); read back with SnakeYAML, already a dependency for configs: JSON as we write it is valid
 * YAML (every string double-quoted, non-ASCII control characters escaped), so no JSON library is needed.
 */
public final class Json {
    private Json() {
    }

    /** Pretty-printed JSON of a tree of maps, collections, strings, numbers, booleans and nulls. */
    public static String write(Object value) {
        StringBuilder s = new StringBuilder();
        write(s, value, 0);
        return s.append('\n').toString();
    }

    private static void write(StringBuilder s, Object v, int indent) {
        if (v == null) {
            s.append("null");
        } else if (v instanceof String str) {
            string(s, str);
        } else if (v instanceof Boolean || v instanceof Integer || v instanceof Long) {
            s.append(v);
        } else if (v instanceof Number n) {
            double d = n.doubleValue();
            s.append(Double.isFinite(d) ? String.valueOf(d) : "null");
        } else if (v instanceof Map<?, ?> m) {
            if (m.isEmpty()) {
                s.append("{}");
                return;
            }
            s.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                s.append(first ? "\n" : ",\n");
                first = false;
                pad(s, indent + 1);
                string(s, String.valueOf(e.getKey()));
                s.append(": ");
                write(s, e.getValue(), indent + 1);
            }
            s.append('\n');
            pad(s, indent);
            s.append('}');
        } else if (v instanceof Collection<?> c) {
            if (c.isEmpty()) {
                s.append("[]");
                return;
            }
            s.append('[');
            boolean first = true;
            for (Object o : c) {
                s.append(first ? "\n" : ",\n");
                first = false;
                pad(s, indent + 1);
                write(s, o, indent + 1);
            }
            s.append('\n');
            pad(s, indent);
            s.append(']');
        } else {
            string(s, v.toString());
        }
    }

    private static void pad(StringBuilder s, int indent) {
        s.append("  ".repeat(indent));
    }

    private static void string(StringBuilder s, String str) {
        s.append('"');
        for (int i = 0; i < str.length(); i++) {
            char c = str.charAt(i);
            switch (c) {
                case '"' -> s.append("\\\"");
                case '\\' -> s.append("\\\\");
                case '\n' -> s.append("\\n");
                case '\r' -> s.append("\\r");
                case '\t' -> s.append("\\t");
                default -> {
                    // control characters, and what YAML would not take literally in a double-quoted scalar
                    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029' || c == '\ufeff'
                            || (Character.isSurrogate(c) && !validSurrogate(str, i))) {
                        s.append(String.format("\\u%04x", (int) c));
                    } else {
                        s.append(c);
                    }
                }
            }
        }
        s.append('"');
    }

    private static boolean validSurrogate(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }

    /** Parses JSON text (maps come back as LinkedHashMaps, arrays as lists); throws on malformed text. */
    public static Object parse(String text) {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(Integer.MAX_VALUE);
        options.setAllowDuplicateKeys(true);
        return new Yaml(new SafeConstructor(options)).load(text);
    }

    /**
     * Replaces {@code target} with {@code text} through a temporary name in the same folder (never half-written): a
     * bookkeeping file ({@link AtomicFile#replace}), not reported as an output of the run.
     */
    public static void writeAtomically(Path target, String text) throws IOException {
        try {
            AtomicFile.replace(target, tmp -> Files.write(tmp, text.getBytes(StandardCharsets.UTF_8)));
        } catch (org.cryosiam.CryosiamUserException e) {
            if (e.getCause() instanceof IOException io) {
                throw io; // the callers say which file could not be written
            }
            throw e;
        }
    }

    /** An update of one file that must not race with another process doing the same (read, change, replace). */
    public interface Update<T> {
        T run() throws IOException;
    }

    private static final Object JVM_LOCK = new Object();

    /** A lock file older than this was left by a crashed process (an update takes milliseconds). */
    private static final long STALE_MILLIS = 60_000;
    private static final long GIVE_UP_MILLIS = 300_000;

    /**
     * Runs {@code update} holding the hidden lock file {@code .<name>.lock} beside {@code target} (SLURM array tasks
     * append to the same {@code cryosiam_run.json}; two downloads update the same manifest). The lock is the file's
     * existence, created atomically and deleted afterwards, so no empty file is left in the user's folder. (A held
     * {@code FileLock} on a file that is then deleted would let a waiting process lock a file nobody else sees.)
     */
    public static <T> T locked(Path target, Update<T> update) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path lock = dir.resolve("." + target.getFileName() + ".lock");
        synchronized (JVM_LOCK) {
            long start = System.currentTimeMillis();
            while (true) {
                try {
                    Files.createFile(lock);
                    break;
                } catch (java.nio.file.FileAlreadyExistsException e) {
                    try {
                        if (System.currentTimeMillis() - Files.getLastModifiedTime(lock).toMillis() > STALE_MILLIS) {
                            Files.deleteIfExists(lock);
                            continue;
                        }
                    } catch (java.nio.file.NoSuchFileException gone) {
                        continue;
                    }
                    if (System.currentTimeMillis() - start > GIVE_UP_MILLIS) {
                        throw new IOException(lock + " is held by another process");
                    }
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted while waiting for " + lock, ie);
                    }
                }
            }
            try {
                return update.run();
            } finally {
                Files.deleteIfExists(lock);
            }
        }
    }
}
