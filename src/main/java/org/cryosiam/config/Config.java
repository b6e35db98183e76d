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

/**
 * Typed, read-only access to a YAML config (the reference's config files, read unchanged). Keys are dotted paths
 * ({@code parameters.data.patch_size}). A YAML {@code null} counts as absent, as the reference's {@code if x:}/
 * {@code x is None} checks treat it. Every error names the key and the file.
 */
public final class Config {
    private final Map<String, Object> root;
    private final String source;

    private Config(Map<String, Object> root, String source) {
        this.root = root;
        this.source = source;
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
        return parse(text, file.toString());
    }

    /** Parses YAML text; {@code source} names it in errors. */
    public static Config parse(String text, String source) {
        Object doc;
        try {
            doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        } catch (MarkedYAMLException e) {
            String where = e.getProblemMark() == null ? ""
                    : " at line " + (e.getProblemMark().getLine() + 1) + ", column " + (e.getProblemMark().getColumn() + 1);
            throw new CryosiamUserException(source + ": invalid YAML" + where + ": " + e.getProblem() + ".");
        } catch (YAMLException e) {
            throw new CryosiamUserException(source + ": invalid YAML: " + e.getMessage() + ".");
        }
        if (doc == null) {
            doc = Collections.emptyMap();
        }
        if (!(doc instanceof Map)) {
            throw new CryosiamUserException(source + ": expected a YAML mapping of keys at the top level.");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) doc;
        return new Config(map, source);
    }

    /** Wraps an already-parsed map (e.g. the configs stored inside a checkpoint). */
    public static Config of(Map<String, Object> map, String source) {
        return new Config(map == null ? Collections.emptyMap() : map, source);
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
        return new CryosiamUserException(source + ": key '" + key + "' should be " + expected + ", found '" + v + "'.");
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
        if (v instanceof Integer || v instanceof Long) {
            return Math.toIntExact(((Number) v).longValue());
        }
        throw wrongType(key, v, "an integer");
    }

    public int integer(String key, int defaultValue) {
        return has(key) ? integer(key) : defaultValue;
    }

    public double number(String key) {
        Object v = required(key);
        if (v instanceof Number) {
            return ((Number) v).doubleValue();
        }
        throw wrongType(key, v, "a number");
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
            if (!(o instanceof Integer || o instanceof Long)) {
                throw wrongType(key, v, "a list of integers");
            }
            out.add(Math.toIntExact(((Number) o).longValue()));
        }
        return out;
    }

    /** A list of numbers, or one number repeated as a one-element list. */
    public List<Double> numberList(String key) {
        Object v = required(key);
        List<Double> out = new ArrayList<>();
        if (v instanceof Number) {
            out.add(((Number) v).doubleValue());
            return out;
        }
        if (!(v instanceof List)) {
            throw wrongType(key, v, "a number or a list of numbers");
        }
        for (Object o : (List<?>) v) {
            if (!(o instanceof Number)) {
                throw wrongType(key, v, "a list of numbers");
            }
            out.add(((Number) o).doubleValue());
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
            return new Config(Collections.emptyMap(), source);
        }
        if (!(v instanceof Map)) {
            throw wrongType(key, v, "a mapping");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) v;
        return new Config(m, source);
    }
}
