package org.cryosiam.io.zarr;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.io.ElementType;
import org.cryosiam.io.Json;
import org.cryosiam.io.NdData;

/**
 * One Zarr array on a file system, v2 ({@code .zarray}) or v3 ({@code zarr.json}), read by region: a box of the
 * array is decoded from the chunks it touches, so a tomogram can be read slab by slab. Chunks are C order on a
 * regular grid (edge chunks full size, as both versions store them); a missing chunk is the fill value. Every size
 * that decides an allocation is checked against the metadata first; bad metadata or a damaged chunk is one sentence
 * naming the file.
 */
public final class ZarrArray {
    private final Path dir;
    private final int format;
    private final int[] shape;
    private final int[] chunks;
    private final ZarrDtype dtype;
    private final Number fill;
    private final List<ChunkCodec> codecs;
    private final String keyPrefix;
    private final String separator;
    private final Map<String, Object> attributes;
    private final int chunkBytes;

    private ZarrArray(Path dir, int format, int[] shape, int[] chunks, ZarrDtype dtype, Number fill,
                      List<ChunkCodec> codecs, String keyPrefix, String separator, Map<String, Object> attributes) {
        this.dir = dir;
        this.format = format;
        this.shape = shape;
        this.chunks = chunks;
        this.dtype = dtype;
        this.fill = fill;
        this.codecs = codecs;
        this.keyPrefix = keyPrefix;
        this.separator = separator;
        this.attributes = attributes;
        long bytes = dtype.itemSize();
        for (int c : chunks) {
            bytes *= c;
        }
        if (bytes > Integer.MAX_VALUE - 8) {
            throw new CryosiamUserException(dir + ": Zarr chunks of " + Arrays.toString(chunks) + " elements hold "
                    + bytes + " bytes, more than the 2 GiB we read per chunk.");
        }
        this.chunkBytes = (int) bytes;
    }

    /** Whether {@code dir} holds Zarr array metadata (v2 or v3). */
    public static boolean isArray(Path dir) {
        if (Files.isRegularFile(dir.resolve(".zarray"))) {
            return true;
        }
        Object meta = readJsonIfPresent(dir.resolve("zarr.json"));
        return meta instanceof Map<?, ?> m && "array".equals(m.get("node_type"));
    }

    /** Opens the array stored in {@code dir}. */
    public static ZarrArray open(Path dir) {
        if (Files.isRegularFile(dir.resolve(".zarray"))) {
            return openV2(dir);
        }
        if (Files.isRegularFile(dir.resolve("zarr.json"))) {
            return openV3(dir);
        }
        throw new CryosiamUserException(dir + ": not a Zarr array (no .zarray or zarr.json in it).");
    }

    public int[] shape() {
        return shape.clone();
    }

    public int[] chunks() {
        return chunks.clone();
    }

    public int rank() {
        return shape.length;
    }

    /** The type values are read into (float16 as float32). */
    public ElementType type() {
        return dtype.type();
    }

    /** 2 or 3. */
    public int zarrFormat() {
        return format;
    }

    /** The array's own attributes ({@code .zattrs} or {@code attributes}); empty when none. */
    public Map<String, Object> attributes() {
        return attributes;
    }

    public Path path() {
        return dir;
    }

    /** The whole array. */
    public NdData readAll() {
        return read(new int[shape.length], shape);
    }

    /**
     * The box {@code [offset, offset + size)}, in C order.
     *
     * @throws IllegalArgumentException when the box is not inside the array (a caller's mistake)
     */
    public NdData read(int[] offset, int[] size) {
        int rank = shape.length;
        if (offset.length != rank || size.length != rank) {
            throw new IllegalArgumentException("a region of rank " + offset.length + " in an array of rank " + rank);
        }
        long n = 1;
        for (int d = 0; d < rank; d++) {
            if (offset[d] < 0 || size[d] < 0 || (long) offset[d] + size[d] > shape[d]) {
                throw new IllegalArgumentException("region " + Arrays.toString(offset) + " + "
                        + Arrays.toString(size) + " outside " + Arrays.toString(shape));
            }
            n *= size[d];
        }
        if (n > Integer.MAX_VALUE - 8) {
            throw new CryosiamUserException(dir + ": a region of " + n + " elements is more than one array can hold "
                    + "(2^31); read it in slabs.");
        }
        Object out = dtype.type().newArray((int) n);
        if (n == 0) {
            return new NdData(dtype.type(), size, out);
        }
        int[] first = new int[rank];
        int[] last = new int[rank];
        for (int d = 0; d < rank; d++) {
            first[d] = offset[d] / chunks[d];
            last[d] = (offset[d] + size[d] - 1) / chunks[d];
        }
        Boxes.each(first, last, c -> copyChunk(c, offset, size, out));
        return new NdData(dtype.type(), size, out);
    }

    /** Copies the part of chunk {@code c} inside the region into {@code out} (fill value for a missing chunk). */
    private void copyChunk(int[] c, int[] offset, int[] size, Object out) {
        int rank = shape.length;
        int[] lo = new int[rank];
        int[] hi = new int[rank];
        for (int d = 0; d < rank; d++) {
            int origin = c[d] * chunks[d];
            lo[d] = Math.max(offset[d], origin);
            hi[d] = Math.min(offset[d] + size[d], origin + chunks[d]);
        }
        byte[] raw = chunk(c);
        int run = hi[rank - 1] - lo[rank - 1];
        Boxes.rows(lo, hi, idx -> {
            long src = 0;
            long dst = 0;
            for (int d = 0; d < rank; d++) {
                src = src * chunks[d] + (idx[d] - c[d] * chunks[d]);
                dst = dst * size[d] + (idx[d] - offset[d]);
            }
            if (raw == null) {
                dtype.fill(out, (int) dst, (int) dst + run, fill);
            } else {
                dtype.decode(raw, (int) src * dtype.itemSize(), out, (int) dst, run);
            }
        });
    }

    /** The decoded bytes of chunk {@code c}, or null when its file does not exist. */
    private byte[] chunk(int[] c) {
        Path file = dir.resolve(chunkKey(c));
        byte[] data;
        try {
            long size = Files.size(file);
            // no encoding we read makes a chunk much larger than its content (stored Blosc adds 16 bytes)
            if (size > 2L * chunkBytes + 65536) {
                throw new CryosiamUserException(file + ": a Zarr chunk of " + size + " bytes, far more than the "
                        + chunkBytes + " bytes it holds; the file is not a chunk of this array.");
            }
            data = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new CryosiamUserException(file + ": cannot read (" + e.getMessage() + ").", e);
        }
        try {
            for (int i = codecs.size() - 1; i >= 0; i--) {
                data = codecs.get(i).decode(data, chunkBytes);
            }
        } catch (IOException e) {
            throw new CryosiamUserException(file + ": damaged Zarr chunk (" + e.getMessage() + ").", e);
        }
        if (data.length != chunkBytes) {
            throw new CryosiamUserException(file + ": damaged Zarr chunk (" + data.length + " bytes after decoding, "
                    + "the chunk shape " + Arrays.toString(chunks) + " needs " + chunkBytes + ").");
        }
        return data;
    }

    /** The chunk's file name relative to the array: v2 {@code 0.1.2}, v3 {@code c/0/1/2} (separator per metadata). */
    String chunkKey(int[] c) {
        StringBuilder s = new StringBuilder(keyPrefix);
        for (int d = 0; d < c.length; d++) {
            if (d > 0) {
                s.append(separator);
            }
            s.append(c[d]);
        }
        return s.toString();
    }

    // ---- metadata ----

    private static ZarrArray openV2(Path dir) {
        Path metaFile = dir.resolve(".zarray");
        Map<String, Object> m = jsonObject(metaFile);
        Meta meta = new Meta(metaFile, m);
        meta.requireInt("zarr_format", 2);
        int[] shape = meta.intArray("shape");
        int[] chunks = meta.intArray("chunks");
        String dt = meta.string("dtype");
        ZarrDtype dtype = ZarrDtype.v2(dt);
        if (dtype == null) {
            throw meta.bad("the dtype " + dt + " is not read (bool, int8-64, uint8-32, float16-64 are)");
        }
        Object order = m.getOrDefault("order", "C");
        if (!"C".equals(order)) {
            throw meta.bad("the array is stored in order " + order + "; only C order is read");
        }
        if (m.get("filters") instanceof List<?> f && !f.isEmpty()) {
            throw meta.bad("the filters " + f + " are not read; rewrite the array without filters");
        }
        Object sep = m.getOrDefault("dimension_separator", ".");
        if (!".".equals(sep) && !"/".equals(sep)) {
            throw meta.bad("the dimension_separator '" + sep + "' is neither '.' nor '/'");
        }
        List<ChunkCodec> codecs = new ArrayList<>();
        Object compressor = m.get("compressor");
        if (compressor != null) {
            codecs.add(ZarrCodecs.v2(meta, compressor, dtype));
        }
        Number fill = meta.fillValue(m.get("fill_value"), dtype);
        Map<String, Object> attrs = Map.of();
        if (Files.isRegularFile(dir.resolve(".zattrs"))) {
            attrs = jsonObject(dir.resolve(".zattrs"));
        }
        checkGrid(meta, shape, chunks);
        return new ZarrArray(dir, 2, shape, chunks, dtype, fill, codecs, "", (String) sep, attrs);
    }

    private static ZarrArray openV3(Path dir) {
        Path metaFile = dir.resolve("zarr.json");
        Map<String, Object> m = jsonObject(metaFile);
        Meta meta = new Meta(metaFile, m);
        meta.requireInt("zarr_format", 3);
        if (!"array".equals(m.get("node_type"))) {
            throw meta.bad("node_type is " + m.get("node_type") + ", not array");
        }
        if (m.get("storage_transformers") instanceof List<?> t && !t.isEmpty()) {
            throw meta.bad("storage transformers are not read");
        }
        int[] shape = meta.intArray("shape");
        Map<String, Object> grid = meta.object(m.get("chunk_grid"), "chunk_grid");
        if (!"regular".equals(grid.get("name"))) {
            throw meta.bad("the chunk grid '" + grid.get("name") + "' is not read (only 'regular')");
        }
        int[] chunks = meta.intArray(meta.object(grid.get("configuration"), "chunk_grid.configuration"),
                "chunk_shape");
        String prefix = "c/";
        String sep = "/";
        Object enc = m.get("chunk_key_encoding");
        if (enc != null) {
            Map<String, Object> e = meta.object(enc, "chunk_key_encoding");
            Map<String, Object> conf = e.get("configuration") == null ? Map.of()
                    : meta.object(e.get("configuration"), "chunk_key_encoding.configuration");
            if ("default".equals(e.get("name"))) {
                sep = String.valueOf(conf.getOrDefault("separator", "/"));
                prefix = "c" + sep;
            } else if ("v2".equals(e.get("name"))) {
                sep = String.valueOf(conf.getOrDefault("separator", "."));
                prefix = "";
            } else {
                throw meta.bad("the chunk key encoding '" + e.get("name") + "' is not read (default and v2 are)");
            }
            if (!".".equals(sep) && !"/".equals(sep)) {
                throw meta.bad("the chunk key separator '" + sep + "' is neither '.' nor '/'");
            }
        }
        ZarrCodecs.V3Chain chain = ZarrCodecs.v3(meta, m.get("codecs"), String.valueOf(m.get("data_type")),
                shape.length);
        Number fill = meta.fillValue(m.get("fill_value"), chain.dtype());
        Map<String, Object> attrs = m.get("attributes") == null ? Map.of()
                : meta.object(m.get("attributes"), "attributes");
        checkGrid(meta, shape, chunks);
        return new ZarrArray(dir, 3, shape, chunks, chain.dtype(), fill, chain.codecs(), prefix, sep, attrs);
    }

    private static void checkGrid(Meta meta, int[] shape, int[] chunks) {
        if (shape.length == 0) {
            throw meta.bad("the array has no dimensions");
        }
        if (chunks.length != shape.length) {
            throw meta.bad("the chunk shape " + Arrays.toString(chunks) + " does not have the rank of the shape "
                    + Arrays.toString(shape));
        }
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] < 0 || chunks[d] < 1) {
                throw meta.bad("shape " + Arrays.toString(shape) + " with chunks " + Arrays.toString(chunks)
                        + " is not a valid grid");
            }
        }
    }

    /** The JSON object in {@code file}; a missing, unreadable or malformed file is a user error naming it. */
    static Map<String, Object> jsonObject(Path file) {
        Object o;
        try {
            o = Json.parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            throw new CryosiamUserException(file + ": file not found.");
        } catch (IOException e) {
            throw new CryosiamUserException(file + ": cannot read (" + e.getMessage() + ").", e);
        } catch (RuntimeException e) {
            throw new CryosiamUserException(file + ": not valid JSON.", e);
        }
        if (!(o instanceof Map<?, ?>)) {
            throw new CryosiamUserException(file + ": not a JSON object.");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) o;
        return m;
    }

    /** The parsed JSON of {@code file}, or null when it is absent or unreadable. */
    static Object readJsonIfPresent(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return Json.parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Typed access to one metadata file's fields; every problem names the file. */
    record Meta(Path file, Map<String, Object> json) {
        CryosiamUserException bad(String what) {
            return new CryosiamUserException(file + ": " + what + ".");
        }

        void requireInt(String key, int value) {
            Object v = json.get(key);
            if (!(v instanceof Number n) || n.intValue() != value) {
                throw bad(key + " is " + v + ", expected " + value);
            }
        }

        String string(String key) {
            Object v = json.get(key);
            if (!(v instanceof String s)) {
                throw bad("the field '" + key + "' is missing or not a string");
            }
            return s;
        }

        int[] intArray(String key) {
            return intArray(json, key);
        }

        int[] intArray(Map<String, Object> in, String key) {
            Object v = in.get(key);
            if (!(v instanceof List<?> l)) {
                throw bad("the field '" + key + "' is missing or not a list");
            }
            int[] out = new int[l.size()];
            for (int i = 0; i < out.length; i++) {
                Object e = l.get(i);
                if (!(e instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.longValue() < 0
                        || n.longValue() > Integer.MAX_VALUE) {
                    throw bad("'" + key + "' " + l + " is not a list of sizes below 2^31");
                }
                out[i] = n.intValue();
            }
            return out;
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> object(Object v, String what) {
            if (!(v instanceof Map<?, ?>)) {
                throw bad("the field '" + what + "' is missing or not an object");
            }
            return (Map<String, Object>) v;
        }

        /** Zarr's fill value: null (zero), a number, "NaN", "Infinity", "-Infinity" or (v3) "0x…" raw bits. */
        Number fillValue(Object v, ZarrDtype dtype) {
            boolean floating = dtype.type().floating();
            if (v == null) {
                return floating ? (Number) 0.0 : (Number) 0L;
            }
            if (v instanceof Boolean b) {
                return b ? 1L : 0L;
            }
            if (v instanceof Number n) {
                return floating ? (Number) n.doubleValue() : (Number) n.longValue();
            }
            String s = String.valueOf(v);
            switch (s) {
                case "NaN":
                    return Double.NaN;
                case "Infinity":
                    return Double.POSITIVE_INFINITY;
                case "-Infinity":
                    return Double.NEGATIVE_INFINITY;
                default:
                    break;
            }
            try {
                if (s.startsWith("0x") && floating) {
                    long bits = Long.parseUnsignedLong(s.substring(2), 16);
                    return dtype.itemSize() == 8 ? Double.longBitsToDouble(bits)
                            : dtype.half() ? (double) ZarrDtype.halfToFloat((short) bits)
                            : (double) Float.intBitsToFloat((int) bits);
                }
                return floating ? (Number) Double.parseDouble(s) : (Number) Long.parseLong(s);
            } catch (NumberFormatException e) {
                throw bad("the fill_value " + s + " is not a number of the array's type");
            }
        }
    }

    /** v3's bytes codec order name. */
    static ByteOrder endian(Meta meta, Object name) {
        if (name == null || "little".equals(name)) {
            return ByteOrder.LITTLE_ENDIAN;
        }
        if ("big".equals(name)) {
            return ByteOrder.BIG_ENDIAN;
        }
        throw meta.bad("the bytes codec's endian '" + name + "' is neither little nor big");
    }
}
