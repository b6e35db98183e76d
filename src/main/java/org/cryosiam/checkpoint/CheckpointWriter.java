package org.cryosiam.checkpoint;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.io.AtomicFile;
import org.cryosiam.io.OutputSink;

/**
 * Writes a {@code torch.save}-compatible checkpoint (PyTorch ≥ 1.6 ZIP container, pickle protocol 2) from plain
 * values, so that Python's {@code torch.load(path, weights_only=False)} and our {@link Checkpoint#load} both read it.
 *
 * <p>Values allowed in the tree: {@link Map} (→ {@code dict}; an {@link OrderedDict} → {@code
 * collections.OrderedDict}), {@link List} (→ {@code list}), {@link Tuple} (→ {@code tuple}), {@link String},
 * {@link Integer}/{@link Long} (→ {@code int}), {@link Float}/{@link Double} (→ {@code float}), {@link Boolean},
 * {@code null} (→ {@code None}) and {@link Tensor} (→ a tensor rebuilt by {@code torch._utils._rebuild_tensor_v2}
 * on a typed storage named by a persistent id, as {@code torch.save} writes it). Nothing else: the file never needs
 * any class beyond {@code collections.OrderedDict}, {@code torch.*Storage} and {@code _rebuild_tensor_v2}.
 *
 * <p>Layout: {@code <root>/data.pkl}, {@code <root>/data/<i>} (one storage per tensor, little-endian, each entry's
 * data aligned to 64 bytes as PyTorch does), {@code <root>/version} ({@code 3}), {@code <root>/byteorder}
 * ({@code little}); entries stored without compression. The file is written under a temporary name and renamed when complete.
 */
public final class CheckpointWriter {
    /** A Python {@code collections.OrderedDict} (string keys in insertion order). */
    public static final class OrderedDict extends LinkedHashMap<String, Object> {
        private static final long serialVersionUID = 1L;
    }

    /** A Python tuple. */
    public record Tuple(List<Object> items) {
        public static Tuple of(Object... items) {
            return new Tuple(List.of(items));
        }
    }

    private static final int ALIGN = 64;

    private final ByteArrayOutputStream pkl = new ByteArrayOutputStream();
    private final List<Tensor> storages = new ArrayList<>();
    private final IdentityHashMap<Tensor, Integer> storageIds = new IdentityHashMap<>();
    private final Map<String, Integer> memoGlobals = new LinkedHashMap<>();
    private int memoNext;

    private CheckpointWriter() {
    }

    /** Writes {@code top} (normally a {@link Map}) to {@code file}; the archive root is the file's stem. */
    public static void write(Path file, Object top) {
        write(file, top, OutputSink.NONE);
    }

    /** {@link #write(Path, Object)}, noted in {@code outputs} (the run record) once complete. */
    public static void write(Path file, Object top, OutputSink outputs) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String root = (dot > 0 ? name.substring(0, dot) : name).replaceAll("[^A-Za-z0-9_.-]", "_");
        if (root.isEmpty()) {
            root = "archive";
        }
        CheckpointWriter w = new CheckpointWriter();
        w.pickle(top);
        String archive = root;
        AtomicFile.write(file, tmp -> {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                w.zip(out, archive);
            } catch (IOException e) {
                throw new CryosiamUserException(file + ": cannot write the checkpoint (" + e.getMessage() + ").", e);
            }
        }, outputs);
    }

    /** The value of {@code pytorch-lightning_version} in the checkpoints we write (PEP 440, a local version). */
    public static final String VERSION = "0.1.0+cryosiam.jvm";

    /**
     * The Lightning checkpoint layout (spec/checkpoints.md): {@code epoch}, {@code global_step},
     * {@code pytorch-lightning_version}, {@code state_dict} (an OrderedDict of tensors), {@code loops},
     * {@code callbacks}, {@code optimizer_states}, {@code lr_schedulers}, {@code hparams_name},
     * {@code hyper_parameters}; every value plain.
     */
    public static Map<String, Object> lightning(Map<String, ? extends Object> stateDict, Map<String, Object> hyperParameters,
            long epoch, long globalStep, List<Object> optimizerStates, List<Object> lrSchedulers,
            Map<String, Object> callbacks) {
        Map<String, Object> top = new LinkedHashMap<>();
        top.put("epoch", epoch);
        top.put("global_step", globalStep);
        top.put("pytorch-lightning_version", VERSION);
        OrderedDict sd = new OrderedDict();
        sd.putAll(stateDict);
        top.put("state_dict", sd);
        top.put("loops", new LinkedHashMap<String, Object>());
        top.put("callbacks", callbacks == null ? new LinkedHashMap<String, Object>() : callbacks);
        top.put("optimizer_states", optimizerStates == null ? List.of() : optimizerStates);
        top.put("lr_schedulers", lrSchedulers == null ? List.of() : lrSchedulers);
        top.put("hparams_name", "kwargs");
        top.put("hyper_parameters", hyperParameters);
        return top;
    }

    /** The pickle bytes of {@code value} (tensors as persistent ids); for tests. */
    static byte[] pickleBytes(Object value) {
        CheckpointWriter w = new CheckpointWriter();
        w.pickle(value);
        return w.pkl.toByteArray();
    }

    private void pickle(Object top) {
        op(0x80, 2); // PROTO 2
        value(top);
        op('.'); // STOP
    }

    // ---- pickle opcodes (the subset PickleReader interprets; see pickletools) ----

    private void op(int... bytes) {
        for (int b : bytes) {
            pkl.write(b);
        }
    }

    private void int4(int v) {
        op(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
    }

    private void memoize() {
        int id = memoNext++;
        if (id < 256) {
            op('q', id); // BINPUT
        } else {
            op('r'); // LONG_BINPUT
            int4(id);
        }
    }

    private void memoGet(int id) {
        if (id < 256) {
            op('h', id); // BINGET
        } else {
            op('j'); // LONG_BINGET
            int4(id);
        }
    }

    private void global(String module, String name) {
        String key = module + "\n" + name;
        Integer id = memoGlobals.get(key);
        if (id != null) {
            memoGet(id);
            return;
        }
        op('c'); // GLOBAL
        pkl.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
        memoGlobals.put(key, memoNext);
        memoize();
    }

    private void string(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        op('X'); // BINUNICODE
        int4(b.length);
        pkl.writeBytes(b);
    }

    private void integer(long v) {
        if (v >= 0 && v < 256) {
            op('K', (int) v); // BININT1
        } else if (v >= 0 && v < 65536) {
            op('M', (int) (v & 0xff), (int) (v >>> 8)); // BININT2
        } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            op('J'); // BININT
            int4((int) v);
        } else {
            op(0x8a, 8); // LONG1: 8 bytes two's complement little-endian
            for (int i = 0; i < 8; i++) {
                op((int) ((v >>> (8 * i)) & 0xff));
            }
        }
    }

    private void floating(double d) {
        op('G'); // BINFLOAT, big-endian
        long bits = Double.doubleToRawLongBits(d);
        for (int i = 7; i >= 0; i--) {
            op((int) ((bits >>> (8 * i)) & 0xff));
        }
    }

    private void tuple(List<?> items) {
        switch (items.size()) {
            case 0 -> op(')');
            case 1 -> { value(items.get(0)); op(0x85); }
            case 2 -> { value(items.get(0)); value(items.get(1)); op(0x86); }
            case 3 -> { value(items.get(0)); value(items.get(1)); value(items.get(2)); op(0x87); }
            default -> {
                op('(');
                for (Object o : items) {
                    value(o);
                }
                op('t');
            }
        }
    }

    private void value(Object v) {
        if (v == null) {
            op('N');
        } else if (v instanceof Boolean b) {
            op(b ? 0x88 : 0x89);
        } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            integer(((Number) v).longValue());
        } else if (v instanceof Float || v instanceof Double) {
            floating(((Number) v).doubleValue());
        } else if (v instanceof String s) {
            string(s);
        } else if (v instanceof Tensor t) {
            tensor(t);
        } else if (v instanceof Tuple t) {
            tuple(t.items());
        } else if (v instanceof PyTuple t) {
            tuple(t);
        } else if (v instanceof OrderedDict m) {
            global("collections", "OrderedDict");
            op(')', 'R'); // OrderedDict()
            memoize();
            items(m);
        } else if (v instanceof Map<?, ?> m) {
            op('}');
            memoize();
            items(m);
        } else if (v instanceof List<?> l) {
            op(']');
            memoize();
            for (int start = 0; start < l.size(); start += 1000) {
                op('(');
                for (Object o : l.subList(start, Math.min(l.size(), start + 1000))) {
                    value(o);
                }
                op('e'); // APPENDS
            }
        } else {
            throw new IllegalArgumentException("cannot write a " + v.getClass().getName() + " into a checkpoint");
        }
    }

    private void items(Map<?, ?> m) {
        List<Map.Entry<?, ?>> entries = new ArrayList<>(m.entrySet());
        for (int start = 0; start < entries.size(); start += 1000) {
            op('(');
            for (Map.Entry<?, ?> e : entries.subList(start, Math.min(entries.size(), start + 1000))) {
                value(e.getKey());
                value(e.getValue());
            }
            op('u'); // SETITEMS
        }
    }

    /**
     * {@code _rebuild_tensor_v2(storage, 0, size, stride, False, OrderedDict())} with the storage as the persistent id
     * {@code ('storage', torch.<Type>Storage, '<key>', 'cpu', numel)}, contiguous strides.
     */
    private void tensor(Tensor t) {
        global("torch._utils", "_rebuild_tensor_v2");
        op('(');
        Integer id = storageIds.get(t);
        if (id == null) {
            id = storages.size();
            storages.add(t);
            storageIds.put(t, id);
        }
        op('(');
        string("storage");
        global("torch", t.dtype().storageName());
        string(Integer.toString(id));
        string("cpu");
        integer(t.numel());
        op('t');
        op('Q'); // BINPERSID
        integer(0);
        int[] shape = t.shape();
        List<Object> size = new ArrayList<>();
        List<Object> stride = new ArrayList<>();
        long s = 1;
        long[] strides = new long[shape.length];
        for (int i = shape.length - 1; i >= 0; i--) {
            strides[i] = s;
            s *= shape[i];
        }
        for (int i = 0; i < shape.length; i++) {
            size.add((long) shape[i]);
            stride.add(strides[i]);
        }
        tuple(size);
        tuple(stride);
        op(0x89); // requires_grad False
        global("collections", "OrderedDict");
        op(')', 'R');
        op('t');
        op('R');
    }

    // ---- the ZIP container ----

    private void zip(OutputStream target, String root) throws IOException {
        CountingStream counting = new CountingStream(target);
        try (ZipOutputStream zip = new ZipOutputStream(counting)) {
            zip.setMethod(ZipOutputStream.STORED);
            entry(zip, counting, root + "/data.pkl", pkl.toByteArray());
            entry(zip, counting, root + "/byteorder", "little".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < storages.size(); i++) {
                ByteBuffer b = storages.get(i).bytes();
                byte[] bytes = new byte[b.remaining()];
                b.get(bytes);
                entry(zip, counting, root + "/data/" + i, bytes);
            }
            entry(zip, counting, root + "/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        }
    }

    /** One stored entry whose data starts at a multiple of 64 bytes (padding in an extra field, as PyTorch does). */
    private static void entry(ZipOutputStream zip, CountingStream counting, String name, byte[] data)
            throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        e.setCompressedSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        e.setTime(315532800000L + 86400000L * 366); // a fixed DOS time: reproducible files
        zip.flush();
        long header = counting.count + 30 + name.getBytes(StandardCharsets.UTF_8).length;
        int pad = (int) ((ALIGN - (header + 4) % ALIGN) % ALIGN);
        byte[] extra = new byte[4 + pad];
        extra[0] = 'F'; // PyTorch's padding field id "FB"
        extra[1] = 'B';
        extra[2] = (byte) (pad & 0xff);
        extra[3] = (byte) (pad >>> 8);
        e.setExtra(extra);
        zip.putNextEntry(e);
        zip.write(data);
        zip.closeEntry();
    }

    /** Counts the bytes written, to compute local-header offsets for alignment. */
    private static final class CountingStream extends FilterOutputStream {
        long count;

        CountingStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }
}
