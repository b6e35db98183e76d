package org.cryosiam.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.cryosiam.CryosiamUserException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Typed, read-only access to a YAML config (the reference's config files, read unchanged). Keys are dotted paths
 * ({@code parameters.data.patch_size}). A YAML {@code null} counts as absent, as the reference's {@code if x:}/
 * {@code x is None} checks treat it. Every error names the key and the file.
 *
 * <p>Numbers written as strings ({@code patch_size: ['32', '32', '32']}, {@code lr: "1e-3"}) are accepted where a
 * number is expected, as YAML users expect (PyYAML itself reads {@code 1e-3} without a point as a string). Integers
 * must fit the Java int they are used as: a larger value is an error naming the key, never an overflow.
 */
public final class Config {
    private final Map<String, Object> root;
    private final String source;
    private final List<DuplicateKey> duplicateKeys;

    /** A key given twice in one mapping of the YAML text, at 1-based lines {@code first} and {@code last}. */
    public record DuplicateKey(String key, int first, int last) {
    }

    private Config(Map<String, Object> root, String source, List<DuplicateKey> duplicateKeys) {
        this.root = root;
        this.source = source;
        this.duplicateKeys = duplicateKeys;
    }

    /** Reads a YAML file whose top level is a mapping. */
    public static Config load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new CryosiamUserException(file + ": config file not found.");
        } catch (IOException e) {
            throw new CryosiamUserException(file + ": cannot read the config file (" + e.getMessage() + ").");
        }
        return parse(text.startsWith("\uFEFF") ? text.substring(1) : text, file.toString()); // a byte order mark
    }

    /** Parses YAML text; {@code source} names it in errors. */
    public static Config parse(String text, String source) {
        Object doc;
        List<DuplicateKey> duplicates = new ArrayList<>();
        try {
            doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
            if (doc != null) {
                duplicates(new Yaml(new SafeConstructor(new LoaderOptions())).compose(new java.io.StringReader(text)),
                        "", duplicates);
            }
        } catch (MarkedYAMLException e) {
            String where = e.getProblemMark() == null ? ""
                    : " at line " + (e.getProblemMark().getLine() + 1) + ", column " + (e.getProblemMark().getColumn() + 1);
            throw new CryosiamUserException(source + ": invalid YAML" + where + ": " + oneLine(e.getProblem()) + ".");
        } catch (YAMLException e) {
            throw new CryosiamUserException(source + ": invalid YAML: " + oneLine(e.getMessage()) + ".");
        }
        if (doc == null) {
            doc = Collections.emptyMap();
        }
        if (!(doc instanceof Map)) {
            throw new CryosiamUserException(source + ": expected a YAML mapping of keys at the top level.");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) doc;
        return new Config(map, source, List.copyOf(duplicates));
    }

    /**
     * Keys given twice in one mapping, which PyYAML and SnakeYAML both accept silently, keeping the last: a config
     * edited by hand may hold an old value above the new one. Found on the node tree, which keeps line numbers.
     */
    private static void duplicates(Node node, String prefix, List<DuplicateKey> out) {
        if (!(node instanceof MappingNode m)) {
            return;
        }
        Map<String, Integer> firstLine = new java.util.HashMap<>();
        for (NodeTuple t : m.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode k)) {
                continue;
            }
            String path = prefix + k.getValue();
            int line = k.getStartMark().getLine() + 1;
            Integer first = firstLine.putIfAbsent(path, line);
            if (first != null) {
                out.add(new DuplicateKey(path, first, line));
            }
            duplicates(t.getValueNode(), path + ".", out);
        }
    }

    /** Keys given twice in one mapping of the YAML text (the last value counts); none for a config not from text. */
    public List<DuplicateKey> duplicateKeys() {
        return duplicateKeys;
    }

    /** SnakeYAML's text on one line (it quotes the offending character, a line break included), without a final stop. */
    private static String oneLine(String s) {
        String t = String.valueOf(s).replaceAll("\\s+", " ").strip();
        return t.endsWith(".") ? t.substring(0, t.length() - 1) : t;
    }

    /** Wraps an already-parsed map (e.g. the configs stored inside a checkpoint). */
    public static Config of(Map<String, Object> map, String source) {
        return new Config(map == null ? Collections.emptyMap() : map, source, List.of());
    }

    /** This config with the top-level {@code key} set to {@code value} (same source, same duplicate keys). */
    public Config with(String key, Object value) {
        Map<String, Object> map = new java.util.LinkedHashMap<>(root);
        map.put(key, value);
        return new Config(map, source, duplicateKeys);
    }

    public String source() {
        return source;
    }

    public Map<String, Object> asMap() {
        return Collections.unmodifiableMap(root);
    }

    /** The value at a dotted key, or null when a part is missing or null. */
    public Object get(String key) {
        Object cur = root;
        for (String part : key.split("\\.")) {
            if (!(cur instanceof Map)) {
                return null;
            }
            cur = ((Map<?, ?>) cur).get(part);
            if (cur == null) {
                return null;
            }
        }
        return cur;
    }

    public boolean has(String key) {
        return get(key) != null;
    }

    private Object required(String key) {
        Object v = get(key);
        if (v == null) {
            throw new CryosiamUserException(source + ": missing required key '" + key + "'.");
        }
        return v;
    }

    private CryosiamUserException wrongType(String key, Object v, String expected) {
        return new CryosiamUserException(source + ": key '" + key + "' should be " + expected + ", found "
                + describe(v) + ".");
    }

    /** A value for a message: short, and never a deep toString of a huge or self-referencing YAML structure. */
    private static String describe(Object v) {
        if (v instanceof Map) {
            return "a mapping";
        }
        if (v instanceof List && ((List<?>) v).stream().anyMatch(o -> o instanceof Map || o instanceof List)) {
            return "a nested list";
        }
        String t = String.valueOf(v);
        return "'" + (t.length() > 80 ? t.substring(0, 80) + "…" : t) + "'";
    }

    public String string(String key) {
        Object v = required(key);
        if (v instanceof Map || v instanceof List) {
            throw wrongType(key, v, "a single value");
        }
        return v.toString();
    }

    public String string(String key, String defaultValue) {
        return has(key) ? string(key) : defaultValue;
    }

    /** A path; relative paths are relative to the current directory, as in the reference. */
    public Path path(String key) {
        return Path.of(string(key));
    }

    public boolean bool(String key, boolean defaultValue) {
        Object v = get(key);
        if (v == null) {
            return defaultValue;
        }
        if (v instanceof Boolean) {
            return (Boolean) v;
        }
        throw wrongType(key, v, "true or false");
    }

    public int integer(String key) {
        Object v = required(key);
        Integer i = toInt(key, v, v);
        if (i == null) {
            throw wrongType(key, v, "an integer");
        }
        return i;
    }

    /** {@code o} (an element of the value {@code v} of {@code key}) as an int; null when not an integer at all. */
    private Integer toInt(String key, Object v, Object o) {
        java.math.BigInteger b;
        if (o instanceof Integer || o instanceof Long) {
            b = java.math.BigInteger.valueOf(((Number) o).longValue());
        } else if (o instanceof java.math.BigInteger) {
            b = (java.math.BigInteger) o;
        } else if (o instanceof String && ((String) o).strip().matches("[+-]?[0-9]{1,400}")) {
            b = new java.math.BigInteger(((String) o).strip());
        } else {
            return null;
        }
        if (b.bitLength() > 31) {
            throw new CryosiamUserException(source + ": key '" + key + "' holds " + shorten(b.toString())
                    + ", outside the range of an integer (" + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE + ").");
        }
        return b.intValue();
    }

    /** {@code o} as a double (numbers, and strings in Python's float syntax); null when not a number. */
    private static Double toDouble(Object o) {
        if (o instanceof Number) {
            return ((Number) o).doubleValue();
        }
        if (o instanceof String) {
            String t = ((String) o).strip();
            if (t.length() <= 400 && t.matches("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?")) {
                return Double.parseDouble(t);
            }
        }
        return null;
    }

    private static String shorten(String s) {
        return s.length() > 30 ? s.substring(0, 12) + "…" + s.substring(s.length() - 6) + " (" + s.length()
                + " digits)" : s;
    }

    public int integer(String key, int defaultValue) {
        return has(key) ? integer(key) : defaultValue;
    }

    public double number(String key) {
        Object v = required(key);
        Double d = toDouble(v);
        if (d == null) {
            throw wrongType(key, v, "a number");
        }
        return d;
    }

    public double number(String key, double defaultValue) {
        return has(key) ? number(key) : defaultValue;
    }

    public List<Integer> intList(String key) {
        Object v = required(key);
        if (!(v instanceof List)) {
            throw wrongType(key, v, "a list of integers");
        }
        List<Integer> out = new ArrayList<>();
        for (Object o : (List<?>) v) {
            Integer i = toInt(key, v, o);
            if (i == null) {
                throw wrongType(key, v, "a list of integers");
            }
            out.add(i);
        }
        return out;
    }

    /** A list of numbers, or one number repeated as a one-element list. */
    public List<Double> numberList(String key) {
        Object v = required(key);
        List<Double> out = new ArrayList<>();
        if (!(v instanceof List)) {
            Double d = toDouble(v);
            if (d == null) {
                throw wrongType(key, v, "a number or a list of numbers");
            }
            out.add(d);
            return out;
        }
        for (Object o : (List<?>) v) {
            Double d = toDouble(o);
            if (d == null) {
                throw wrongType(key, v, "a list of numbers");
            }
            out.add(d);
        }
        return out;
    }

    /** A list of strings, or null when the key is absent or null. */
    public List<String> stringListOrNull(String key) {
        Object v = get(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof List)) {
            throw wrongType(key, v, "a list");
        }
        List<String> out = new ArrayList<>();
        for (Object o : (List<?>) v) {
            out.add(String.valueOf(o));
        }
        return out;
    }

    /** A nested mapping as its own config; an empty one when absent. */
    public Config section(String key) {
        Object v = get(key);
        if (v == null) {
            return new Config(Collections.emptyMap(), source, List.of());
        }
        if (!(v instanceof Map)) {
            throw wrongType(key, v, "a mapping");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) v;
        return new Config(m, source, List.of());
    }
}
