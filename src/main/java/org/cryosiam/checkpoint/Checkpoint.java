package org.cryosiam.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

import org.cryosiam.CryosiamUserException;

/**
 * A PyTorch Lightning checkpoint ({@code torch.save} ZIP archive: {@code <root>/data.pkl} plus one entry per
 * storage), read without Python and without running anything from the file. Gives the state dict (tensors by their
 * full names) and the hyper-parameters (plain maps and lists).
 */
public final class Checkpoint {
    private final Path file;
    private final Map<Object, Object> top;
    private final LinkedHashMap<String, Tensor> stateDict;

    private Checkpoint(Path file, Map<Object, Object> top, LinkedHashMap<String, Tensor> stateDict) {
        this.file = file;
        this.top = top;
        this.stateDict = stateDict;
    }

    /** Reads a checkpoint; a file that is not one is a {@link CryosiamUserException} naming it. */
    public static Checkpoint load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new CryosiamUserException(file + ": checkpoint file not found.");
        }
        try (ZipFile zip = new ZipFile(file.toFile())) {
            return read(file, zip);
        } catch (ZipException e) {
            throw new CryosiamUserException(file + ": " + describeNonZip(file));
        } catch (IOException e) {
            throw new CryosiamUserException(file + ": cannot read the checkpoint (" + e.getMessage() + ").");
        } catch (PickleException e) {
            throw new CryosiamUserException(file + ": not a readable PyTorch checkpoint: " + e.getMessage() + ".");
        } catch (CryosiamUserException e) {
            throw e;
        } catch (RuntimeException e) { // java.util.zip on a damaged central directory, say
            throw new CryosiamUserException(file + ": " + describeNonZip(file), e);
        }
    }

    /** Why a file that ZIP refuses is not a checkpoint, in words a user can act on. */
    private static String describeNonZip(Path file) {
        byte[] head = new byte[16];
        int n = 0;
        try (InputStream s = Files.newInputStream(file)) {
            n = s.readNBytes(head, 0, head.length);
        } catch (IOException ignored) {
            // fall through to the generic sentence
        }
        String start = new String(head, 0, n, StandardCharsets.ISO_8859_1).trim().toLowerCase();
        if (n >= 2 && (head[0] & 0xff) == 0x80 && head[1] >= 2 && head[1] <= 5) {
            return "this is a legacy (pre-1.6) PyTorch file; re-save it with torch.save in PyTorch ≥ 1.6 "
                    + "(expected a ZIP archive).";
        }
        if (start.startsWith("<!doctype") || start.startsWith("<html") || start.startsWith("<?xml")) {
            return "this is a web page, not a checkpoint (a failed download?); expected a ZIP archive written by "
                    + "torch.save.";
        }
        if (n >= 2 && head[0] == 'P' && head[1] == 'K') {
            return "the ZIP archive is truncated or damaged (an interrupted download?).";
        }
        return "not a PyTorch checkpoint (expected a ZIP archive written by torch.save).";
    }

    private static Checkpoint read(Path file, ZipFile zip) throws IOException, PickleException {
        ZipEntry pkl = null;
        Enumeration<? extends ZipEntry> entries = zip.entries();
        while (entries.hasMoreElements()) {
            ZipEntry e = entries.nextElement();
            String name = e.getName();
            if (name.endsWith("/data.pkl") && name.indexOf('/') == name.length() - "/data.pkl".length()) {
                if (pkl != null) {
                    throw new CryosiamUserException(file + ": the archive holds more than one data.pkl.");
                }
                pkl = e;
            }
        }
        if (pkl == null) {
            throw new CryosiamUserException(file + ": a ZIP archive without <root>/data.pkl, not a PyTorch checkpoint.");
        }
        String root = pkl.getName().substring(0, pkl.getName().length() - "data.pkl".length());
        Storages storages = new Storages(file, zip, root, bigEndian(file, zip, root));
        Object value = PickleReader.read(readEntry(zip, pkl, MAX_PICKLE_BYTES), storages);
        if (!(value instanceof Map)) {
            throw new CryosiamUserException(file + ": the checkpoint holds " + (value == null ? "None"
                    : "a " + value.getClass().getSimpleName()) + ", expected a Lightning checkpoint dictionary.");
        }
        @SuppressWarnings("unchecked")
        Map<Object, Object> top = (Map<Object, Object>) value;
        return new Checkpoint(file, top, stateDictOf(file, top.get("state_dict")));
    }

    /** data.pkl of a model is kilobytes to a few megabytes; more is a damaged (or compressed-bomb) archive. */
    private static final long MAX_PICKLE_BYTES = 256L << 20;

    /**
     * The {@code state_dict}: a mapping of names to tensors, as every network checkpoint holds (and the only part
     * the commands use); anything else is not a model checkpoint.
     */
    private static LinkedHashMap<String, Tensor> stateDictOf(Path file, Object stateDict) {
        if (!(stateDict instanceof Map)) {
            throw new CryosiamUserException(file + ": " + (stateDict == null ? "no state_dict"
                    : "the state_dict is a " + typeName(stateDict) + ", not a mapping of tensors")
                    + " (not a model checkpoint).");
        }
        LinkedHashMap<String, Tensor> sd = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : ((Map<?, ?>) stateDict).entrySet()) {
            if (!(e.getKey() instanceof String) || !(e.getValue() instanceof Tensor)) {
                String key = e.getKey() instanceof String ? (String) e.getKey() : "a " + typeName(e.getKey());
                throw new CryosiamUserException(file + ": state_dict entry '" + shorten(key) + "' is "
                        + (e.getValue() instanceof Tensor ? "a tensor under a non-string key"
                        : "a " + typeName(e.getValue()) + ", not a tensor") + ".");
            }
            sd.put((String) e.getKey(), (Tensor) e.getValue());
        }
        if (sd.isEmpty()) {
            throw new CryosiamUserException(file + ": the state_dict holds no tensors (not a model checkpoint).");
        }
        return sd;
    }

    /**
     * {@code <root>/byteorder} (PyTorch >= 1.12): the byte order of the storages; absent means little-endian, as
     * older PyTorch wrote only on little-endian machines.
     */
    private static boolean bigEndian(Path file, ZipFile zip, String root) throws IOException {
        ZipEntry e = zip.getEntry(root + "byteorder");
        if (e == null) {
            return false;
        }
        String order = new String(readEntry(zip, e, 16), StandardCharsets.US_ASCII).strip();
        switch (order) {
            case "little":
                return false;
            case "big":
                return true;
            default:
                throw new CryosiamUserException(file + ": the archive's byteorder entry says '" + shorten(order)
                        + "', expected 'little' or 'big'.");
        }
    }

    static String typeName(Object o) {
        if (o == null) {
            return "None";
        }
        if (o instanceof PyObject) {
            return shorten(((PyObject) o).module() + "." + ((PyObject) o).name());
        }
        return o instanceof Map ? "dict" : o instanceof PyTuple ? "tuple" : o instanceof List ? "list"
                : o instanceof String ? "str" : o instanceof byte[] ? "bytes" : o.getClass().getSimpleName();
    }

    /** Untrusted text cut to a length fit for a message, control characters replaced. */
    static String shorten(String s) {
        String t = s.length() > 60 ? s.substring(0, 60) + "…" : s;
        return t.replaceAll("\\p{Cntrl}", "?");
    }

    private static byte[] readEntry(ZipFile zip, ZipEntry e, long maxBytes) throws IOException {
        long size = e.getSize();
        if (size > maxBytes || maxBytes > Integer.MAX_VALUE - 16) {
            throw new IOException(e.getName() + " is too large (" + Math.max(size, maxBytes) + " bytes)");
        }
        try (InputStream s = zip.getInputStream(e)) {
            byte[] b = s.readNBytes((int) Math.min(maxBytes, size >= 0 ? size : maxBytes));
            if (size >= 0 && b.length != size) {
                throw new IOException(e.getName() + " is truncated");
            }
            return b;
        }
    }

    public Path file() {
        return file;
    }

    /** Tensors by their full names (prefixes such as {@code _model_backbone.} kept), in file order. */
    public LinkedHashMap<String, Tensor> stateDict() {
        return stateDict;
    }

    /** {@code hyper_parameters} as plain nested maps/lists/strings/numbers (empty when absent). */
    @SuppressWarnings("unchecked")
    public Map<String, Object> hyperParameters() {
        Object hp = Plain.of(file, top.get("hyper_parameters"));
        return hp instanceof Map ? (Map<String, Object>) hp : Collections.emptyMap();
    }

    /** Any top-level entry ({@code epoch}, {@code global_step}, {@code pytorch-lightning_version}…), as plain values. */
    public Object get(String key) {
        return Plain.of(file, top.get(key));
    }

    /** The raw top-level dictionary, placeholders included. */
    public Map<Object, Object> raw() {
        return Collections.unmodifiableMap(top);
    }

    /** Resolves persistent ids to storages read from the archive, and rebuilds tensors. */
    private static final class Storages implements PickleReader.Hooks {
        private final Path file;
        private final ZipFile zip;
        private final String root;
        private final boolean bigEndian;
        private final Map<String, StorageRef> loaded = new HashMap<>();

        Storages(Path file, ZipFile zip, String root, boolean bigEndian) {
            this.file = file;
            this.zip = zip;
            this.root = root;
            this.bigEndian = bigEndian;
        }

        @Override
        public Object persistentLoad(Object pid) throws PickleException {
            if (!(pid instanceof List) || ((List<?>) pid).size() < 5 || !"storage".equals(((List<?>) pid).get(0))) {
                throw new PickleException("unknown persistent id (a " + typeName(pid) + ")");
            }
            List<?> t = (List<?>) pid;
            String type = t.get(1) instanceof PickleReader.Global ? ((PickleReader.Global) t.get(1)).name()
                    : shorten(String.valueOf(t.get(1)));
            if (!(t.get(2) instanceof String) || !(t.get(4) instanceof Long)) {
                throw new PickleException("malformed storage record (key " + typeName(t.get(2)) + ", size "
                        + typeName(t.get(4)) + ")");
            }
            String key = (String) t.get(2);
            long numel = (Long) t.get(4);
            DType dtype = DType.ofStorage(type);
            if (dtype == null) {
                // UntypedStorage counts bytes; the tensor's dtype is not recorded beside it in the formats we read
                throw new PickleException("storage type " + type + " is not supported");
            }
            if (numel < 0 || numel > (Integer.MAX_VALUE - 16) / dtype.size()) {
                throw new PickleException("storage " + shorten(key) + " declares " + numel + " elements");
            }
            StorageRef ref = loaded.get(key);
            if (ref == null) {
                ZipEntry e = zip.getEntry(root + "data/" + key);
                if (e == null) {
                    throw new PickleException("storage " + key + " is missing from the archive");
                }
                if (e.getSize() < numel * dtype.size()) {
                    throw new PickleException("storage " + key + " holds " + e.getSize() + " bytes, "
                            + numel * dtype.size() + " expected");
                }
                try {
                    ByteBuffer raw = readStorage(zip, e, numel * dtype.size());
                    if (bigEndian) {
                        swapBytes(raw, dtype.size());
                    }
                    ref = new StorageRef(dtype, numel, raw);
                } catch (IOException ex) {
                    throw new PickleException("storage " + key + ": " + ex.getMessage());
                }
                loaded.put(key, ref);
            }
            return ref;
        }

        @Override
        public Object call(String module, String name, List<Object> args) throws PickleException {
            switch (module + " " + name) {
                case "torch._utils _rebuild_tensor_v2":
                case "torch._utils _rebuild_tensor":
                    return rebuild(args);
                case "torch._utils _rebuild_parameter":
                case "torch._utils _rebuild_parameter_with_state":
                    if (args.isEmpty() || !(args.get(0) instanceof Tensor)) {
                        throw new PickleException("malformed parameter record (no tensor)");
                    }
                    return args.get(0);
                case "torch Size":
                    return args.isEmpty() ? new PyTuple() : args.get(0);
                default:
                    return null;
            }
        }

        /** A view (offset, size, stride in elements) of a storage, copied to contiguous data after bounds checks. */
        private Tensor rebuild(List<Object> args) throws PickleException {
            if (args.size() < 4 || !(args.get(0) instanceof StorageRef) || !(args.get(1) instanceof Long)
                    || !(args.get(2) instanceof List) || !(args.get(3) instanceof List)) {
                throw new PickleException("malformed tensor record (storage, offset, size, stride of types "
                        + typeName(args.isEmpty() ? null : args.get(0)) + ", "
                        + typeName(args.size() < 2 ? null : args.get(1)) + ", "
                        + typeName(args.size() < 3 ? null : args.get(2)) + ", "
                        + typeName(args.size() < 4 ? null : args.get(3)) + ")");
            }
            StorageRef s = (StorageRef) args.get(0);
            long offset = (Long) args.get(1);
            List<?> size = (List<?>) args.get(2);
            List<?> stride = (List<?>) args.get(3);
            if (size.size() != stride.size() || size.size() > 32) {
                throw new PickleException("tensor size and stride of " + size.size() + " and " + stride.size()
                        + " dimensions");
            }
            int nd = size.size();
            int[] shape = new int[nd];
            long[] strides = new long[nd];
            long extent = 0;
            long numel = 1;
            for (int i = 0; i < nd; i++) {
                if (!(size.get(i) instanceof Long) || !(stride.get(i) instanceof Long)) {
                    throw new PickleException("tensor size or stride holds a " + typeName(size.get(i)) + " / "
                            + typeName(stride.get(i)) + ", not an integer");
                }
                long n = (Long) size.get(i);
                strides[i] = (Long) stride.get(i);
                // a stride larger than the storage is harmless only along a dimension of size 0 or 1
                if (n < 0 || n > Integer.MAX_VALUE || strides[i] < 0 || (n > 1 && strides[i] > s.numel)) {
                    throw new PickleException("tensor size " + size + " / stride " + stride + " is invalid");
                }
                shape[i] = (int) n;
                long cap = Long.MAX_VALUE / 4; // saturate: numel is only compared with the storage's size below
                numel = n == 0 ? 0 : numel > cap / n ? cap : numel * n;
                if (n > 0) {
                    extent = Math.min(extent + (n - 1) * strides[i], Long.MAX_VALUE / 4); // term < 2^62, sum < 2^63
                }
            }
            if (offset < 0 || (numel > 0 && offset + extent + 1 > s.numel)) {
                throw new PickleException("a tensor of size " + size + " at offset " + offset + " runs past its "
                        + "storage of " + s.numel + " elements");
            }
            if (numel > s.numel) { // a stride-0 (expanded) view: never in a state_dict; refused before allocating
                throw new PickleException("a tensor of " + numel + " elements views a storage of " + s.numel);
            }
            int es = s.dtype.size();
            if (numel * es > Integer.MAX_VALUE) {
                throw new PickleException("a tensor of " + numel + " elements is too large");
            }
            if (isContiguous(shape, strides)) { // the usual case: a view of the storage, no copy
                ByteBuffer view = s.data.duplicate();
                view.position((int) (offset * es)).limit((int) ((offset + numel) * es));
                return new Tensor(s.dtype, shape, view);
            }
            ByteBuffer out = ByteBuffer.allocate((int) (numel * es)).order(ByteOrder.LITTLE_ENDIAN);
            int[] idx = new int[nd];
            byte[] elem = new byte[es];
            for (long k = 0; k < numel; k++) {
                long p = offset;
                for (int i = 0; i < nd; i++) {
                    p += idx[i] * strides[i];
                }
                s.data.get((int) (p * es), elem);
                out.put(elem);
                for (int i = nd - 1; i >= 0; i--) {
                    if (++idx[i] < shape[i]) {
                        break;
                    }
                    idx[i] = 0;
                }
            }
            out.flip();
            return new Tensor(s.dtype, shape, out);
        }

        /** Reverses each {@code size}-byte element in place (big-endian storages to our little-endian). */
        private static void swapBytes(ByteBuffer b, int size) {
            for (int i = 0; i + size <= b.limit(); i += size) {
                for (int a = i, z = i + size - 1; a < z; a++, z--) {
                    byte t = b.get(a);
                    b.put(a, b.get(z));
                    b.put(z, t);
                }
            }
        }

        /**
         * A storage's bytes in native (off-heap) memory: the weights of a large model then never pass through the
         * Java heap, which would otherwise grow by several times the checkpoint's size and keep that memory.
         */
        private static ByteBuffer readStorage(ZipFile zip, ZipEntry e, long bytes) throws IOException {
            if (bytes > Integer.MAX_VALUE - 16) {
                throw new IOException(e.getName() + " is too large (" + bytes + " bytes)");
            }
            ByteBuffer out = ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
            byte[] chunk = new byte[(int) Math.min(bytes, 1 << 20)];
            try (InputStream s = zip.getInputStream(e)) {
                while (out.hasRemaining()) {
                    int n = s.read(chunk, 0, Math.min(chunk.length, out.remaining()));
                    if (n < 0) {
                        throw new IOException(e.getName() + " is truncated");
                    }
                    out.put(chunk, 0, n);
                }
            }
            return out.flip();
        }

        private static boolean isContiguous(int[] shape, long[] strides) {
            long expected = 1;
            for (int i = shape.length - 1; i >= 0; i--) {
                if (shape[i] != 1 && strides[i] != expected) {
                    return false;
                }
                expected *= shape[i];
            }
            return true;
        }
    }

    /** One storage of the archive. */
    private record StorageRef(DType dtype, long numel, ByteBuffer data) {
    }

    /** Converts the pickled graph to plain values: dict-like placeholders become maps, other placeholders strings. */
    static final class Plain {
        private Plain() {
        }

        /** Configs nest a few levels; far more is a damaged file or one that refers to itself (a memo cycle). */
        private static final int MAX_DEPTH = 200;

        static Object of(Path file, Object v) {
            return of(file, v, 0);
        }

        private static Object of(Path file, Object v, int depth) {
            if (depth > MAX_DEPTH) {
                throw new CryosiamUserException(file + ": the checkpoint's values nest more than " + MAX_DEPTH
                        + " levels deep (or contain themselves).");
            }
            if (v instanceof Map) {
                Map<String, Object> m = new LinkedHashMap<>();
                for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                    m.put(e.getKey() instanceof String ? (String) e.getKey() : key(e.getKey()),
                            of(file, e.getValue(), depth + 1));
                }
                return m;
            }
            if (v instanceof List) {
                List<Object> l = new ArrayList<>();
                for (Object o : (List<?>) v) {
                    l.add(of(file, o, depth + 1));
                }
                return l;
            }
            if (v instanceof PyObject) {
                PyObject o = (PyObject) v;
                if (o.module().startsWith("pathlib")) {
                    return String.join("/", o.args().stream().map(a -> a instanceof String ? (String) a : typeName(a))
                            .toArray(String[]::new))
                            .replaceFirst("^//", "/");
                }
                if (!o.dictItems().isEmpty()) {
                    return of(file, o.dictItems(), depth + 1);
                }
                if (o.state() instanceof Map) {
                    return of(file, o.state(), depth + 1);
                }
                return o.toString();
            }
            return v;
        }

        /** A non-string key as text (numbers as they print; containers only by type: never a deep toString). */
        private static String key(Object k) {
            if (k instanceof PyTuple && ((PyTuple) k).stream().allMatch(Plain::scalar)) {
                return k.toString();
            }
            return scalar(k) ? String.valueOf(k) : typeName(k);
        }

        private static boolean scalar(Object o) {
            return o == null || o instanceof String || o instanceof Number || o instanceof Boolean;
        }
    }
}
