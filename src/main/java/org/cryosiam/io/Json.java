package org.cryosiam.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntPredicate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The little JSON we keep (the zoo manifest, {@code cryosiam_run.json}, Zarr metadata, copick picks), read and
 * written with Jackson. Written pretty-printed (two spaces, one value a line, {@code "key": value}), maps, lists,
 * strings, integers, booleans and null as they are; other numbers as doubles (non-finite ones as null), other values as
 * their text. Strings escape control characters, DEL, the C1 controls, U+2028/2029 and the byte order mark as
 * {@code \\uXXXX}.
 */
public final class Json {
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS) // Python's json writes NaN and Infinity
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** Two spaces a level, every member and element on its own line, empty maps and lists as {} and []. */
    private static final DefaultPrettyPrinter PRETTY = new DefaultPrettyPrinter(Separators.createDefaultInstance()
            .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
            .withObjectEmptySeparator("")
            .withArrayEmptySeparator(""))
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n"));

    private static final ObjectWriter WRITER = MAPPER.writer(PRETTY)
            .with(new UnicodeEscapes(c -> c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029'
                    || c == '\ufeff'));

    /** Compact, for a {@code <script>} element: {@code <}, {@code >} and {@code &} escaped too. */
    private static final ObjectWriter SCRIPT = MAPPER.writer()
            .with(new UnicodeEscapes(c -> c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028'
                    || c == '\u2029'));

    private Json() {
    }

    /** Pretty-printed JSON of a tree of maps, collections, strings, numbers, booleans and nulls. */
    public static String write(Object value) {
        try {
            return WRITER.writeValueAsString(node(value)) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * {@code text} as a JSON string literal that is safe inside an HTML {@code <script>} element (no {@code </script>},
     * no line terminators JavaScript rejects).
     */
    public static String scriptString(String text) {
        try {
            return SCRIPT.writeValueAsString(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode node(Object v) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (v == null) {
            return f.nullNode();
        } else if (v instanceof String str) {
            return f.textNode(str);
        } else if (v instanceof Boolean b) {
            return f.booleanNode(b);
        } else if (v instanceof Integer i) {
            return f.numberNode(i);
        } else if (v instanceof Long l) {
            return f.numberNode(l);
        } else if (v instanceof Number n) {
            double d = n.doubleValue();
            return Double.isFinite(d) ? f.numberNode(d) : f.nullNode();
        } else if (v instanceof Map<?, ?> m) {
            ObjectNode o = f.objectNode();
            m.forEach((k, x) -> o.set(String.valueOf(k), node(x)));
            return o;
        } else if (v instanceof Collection<?> c) {
            ArrayNode a = f.arrayNode();
            c.forEach(x -> a.add(node(x)));
            return a;
        }
        return f.textNode(v.toString());
    }

    /** Writes the characters {@code escaped} accepts as {@code \\uxxxx} (lower-case hex), the rest as JSON does. */
    private static final class UnicodeEscapes extends CharacterEscapes {
        private final IntPredicate escaped;
        private final int[] ascii;

        UnicodeEscapes(IntPredicate escaped) {
            this.escaped = escaped;
            ascii = standardAsciiEscapesForJSON();
            for (int c = 0; c < ascii.length; c++) {
                if (escaped.test(c) && c != '\n' && c != '\r' && c != '\t') {
                    ascii[c] = ESCAPE_CUSTOM;
                }
            }
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int c) {
            return escaped.test(c) ? new SerializedString(String.format(Locale.ROOT, "\\u%04x", c)) : null;
        }
    }

    /** Parses JSON text (maps come back as LinkedHashMaps, arrays as lists); throws on malformed text. */
    public static Object parse(String text) {
        try {
            return MAPPER.readValue(text, Object.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON" + (e.getLocation() == null ? "" : " at line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr()) + ": "
                    + problem(e.getOriginalMessage()), e);
        }
    }

    /** Jackson's description of a syntax error, without its notes on Java types and parser features. */
    static String problem(String jackson) {
        String m = String.valueOf(jackson);
        if (m.startsWith("Trailing token")) {
            return "more text after the JSON value";
        }
        for (String cut : new String[] {" (bound as", ": not allowed", "\n", " at [Source", " (for "}) {
            int i = m.indexOf(cut);
            if (i > 0) {
                m = m.substring(0, i);
            }
        }
        return m.replaceAll("`[^`]*`", "").replace("java.", "").replaceAll("\\s+", " ").strip();
    }

    /**
     * Replaces {@code target} with {@code text} through a temporary name in the same folder (never half-written): a
     * bookkeeping file, not reported as an output of the run.
     */
    public static void writeAtomically(Path target, String text) throws IOException {
        try {
            AtomicFile.write(target, tmp -> Files.write(tmp, text.getBytes(StandardCharsets.UTF_8)));
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
