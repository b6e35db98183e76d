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
        Storages storages = new Storages(file, zip, root);
        Object value = PickleReader.read(readEntry(zip, pkl, Integer.MAX_VALUE - 16), storages);
        if (!(value instanceof Map)) {
            throw new CryosiamUserException(file + ": the checkpoint holds a " + value.getClass().getSimpleName()
                    + ", expected a Lightning checkpoint dictionary.");
        }
        @SuppressWarnings("unchecked")
        Map<Object, Object> top = (Map<Object, Object>) value;
        LinkedHashMap<String, Tensor> sd = new LinkedHashMap<>();
        Object stateDict = top.get("state_dict");
        if (stateDict instanceof Map) {
            for (Map.Entry<?, ?> e : ((Map<?, ?>) stateDict).entrySet()) {
                if (e.getValue() instanceof Tensor) {
                    sd.put(String.valueOf(e.getKey()), (Tensor) e.getValue());
                }
            }
        }
        return new Checkpoint(file, top, sd);
    }

    private static byte[] readEntry(ZipFile zip, ZipEntry e, long maxBytes) throws IOException {
        long size = e.getSize();
        if (size > maxBytes) {
            throw new IOException(e.getName() + " is too large (" + size + " bytes)");
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
        Object hp = Plain.of(top.get("hyper_parameters"));
        return hp instanceof Map ? (Map<String, Object>) hp : Collections.emptyMap();
    }

    /** Any top-level entry ({@code epoch}, {@code global_step}, {@code pytorch-lightning_version}…), as plain values. */
    public Object get(String key) {
        return Plain.of(top.get(key));
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
        private final Map<String, StorageRef> loaded = new HashMap<>();

        Storages(Path file, ZipFile zip, String root) {
            this.file = file;
            this.zip = zip;
            this.root = root;
        }

        @Override
        public Object persistentLoad(Object pid) throws PickleException {
            if (!(pid instanceof List) || ((List<?>) pid).size() < 5 || !"storage".equals(((List<?>) pid).get(0))) {
                throw new PickleException("unknown persistent id " + pid);
            }
            List<?> t = (List<?>) pid;
            String type = t.get(1) instanceof PickleReader.Global ? ((PickleReader.Global) t.get(1)).name()
                    : String.valueOf(t.get(1));
            String key = String.valueOf(t.get(2));
            long numel = ((Number) t.get(4)).longValue();
            DType dtype = DType.ofStorage(type);
            if (dtype == null) {
                // UntypedStorage counts bytes; the tensor's dtype is not recorded beside it in the formats we read
                throw new PickleException("storage type " + type + " is not supported");
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
                    ref = new StorageRef(dtype, numel, ByteBuffer.wrap(readEntry(zip, e, numel * dtype.size()))
                            .order(ByteOrder.LITTLE_ENDIAN));
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
                    return args.get(0);
                case "torch Size":
                    return args.isEmpty() ? new PyTuple() : args.get(0);
                default:
                    return null;
            }
        }

        /** A view (offset, size, stride in elements) of a storage, copied to contiguous data after bounds checks. */
        private Tensor rebuild(List<Object> args) throws PickleException {
            if (args.size() < 4 || !(args.get(0) instanceof StorageRef)) {
                throw new PickleException("malformed tensor record " + args);
            }
            StorageRef s = (StorageRef) args.get(0);
            long offset = ((Number) args.get(1)).longValue();
            List<?> size = (List<?>) args.get(2);
            List<?> stride = (List<?>) args.get(3);
            if (size.size() != stride.size()) {
                throw new PickleException("tensor size " + size + " and stride " + stride + " differ in length");
            }
            int nd = size.size();
            int[] shape = new int[nd];
            long[] strides = new long[nd];
            long extent = 0;
            long numel = 1;
            for (int i = 0; i < nd; i++) {
                long n = ((Number) size.get(i)).longValue();
                strides[i] = ((Number) stride.get(i)).longValue();
                if (n < 0 || n > Integer.MAX_VALUE || strides[i] < 0) {
                    throw new PickleException("tensor size " + size + " / stride " + stride + " is invalid");
                }
                shape[i] = (int) n;
                numel *= n;
                if (n > 0) {
                    extent += (n - 1) * strides[i];
                }
            }
            if (offset < 0 || (numel > 0 && offset + extent + 1 > s.numel)) {
                throw new PickleException("a tensor of size " + size + " at offset " + offset + " runs past its "
                        + "storage of " + s.numel + " elements");
            }
            int es = s.dtype.size();
            if (numel * es > Integer.MAX_VALUE) {
                throw new PickleException("a tensor of " + numel + " elements is too large");
            }
            ByteBuffer out = ByteBuffer.allocate((int) (numel * es)).order(ByteOrder.LITTLE_ENDIAN);
            if (isContiguous(shape, strides)) {
                ByteBuffer src = s.data.duplicate();
                src.position((int) (offset * es)).limit((int) ((offset + numel) * es));
                out.put(src);
            } else {
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
            }
            out.flip();
            return new Tensor(s.dtype, shape, out);
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

        static Object of(Object v) {
            if (v instanceof Map) {
                Map<String, Object> m = new LinkedHashMap<>();
                for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                    m.put(String.valueOf(e.getKey()), of(e.getValue()));
                }
                return m;
            }
            if (v instanceof List) {
                List<Object> l = new ArrayList<>();
                for (Object o : (List<?>) v) {
                    l.add(of(o));
                }
                return l;
            }
            if (v instanceof PyObject) {
                PyObject o = (PyObject) v;
                if (o.module().startsWith("pathlib")) {
                    return String.join("/", o.args().stream().map(String::valueOf).toArray(String[]::new))
                            .replaceFirst("^//", "/");
                }
                if (!o.dictItems().isEmpty()) {
                    return of(o.dictItems());
                }
                if (o.state() instanceof Map) {
                    return of(o.state());
                }
                return o.toString();
            }
            return v;
        }
    }
}
