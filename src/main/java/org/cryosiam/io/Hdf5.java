package org.cryosiam.io;

import java.nio.file.Files;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.jhdf.HdfFile;
import io.jhdf.Superblock;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Link;
import io.jhdf.api.Node;
import io.jhdf.api.dataset.ChunkedDataset;
import io.jhdf.api.dataset.ContiguousDataset;
import io.jhdf.links.SoftLink;
import io.jhdf.object.datatype.DataType;
import io.jhdf.object.datatype.FixedPoint;
import io.jhdf.object.datatype.FloatingPoint;
import org.cryosiam.CryosiamUserException;

/**
 * HDF5 files of named n-D datasets in the root group ({@code *_preds.h5}, embeddings, clusters). Reading goes through
 * jhdf (files from h5py and ours); writing through {@link Hdf5Writer} (see there why not jhdf), always via
 * {@link AtomicFile}.
 *
 * <p>jhdf trusts the file: a contiguous dataset cut off by a truncated file reads as if it were complete. So every
 * read checks that what it needs lies inside the file: the end-of-file address the superblock records (what h5py
 * checks on opening), the byte range of a contiguous dataset, and, for chunked (compressed) data, a size bound
 * before anything is allocated. Soft links in the root group are followed (as h5py lists and opens them); external
 * links are not.
 */
public final class Hdf5 {
    /** Links followed before a chain is taken for a cycle. */
    private static final int MAX_LINK_HOPS = 16;
    /** Largest element count one Java array (and so one dataset we read) holds. */
    private static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;
    /**
     * Chunked data may be compressed, so its size is not bounded by the file's; but deflate (the filter h5py files
     * use; jhdf reads no stronger one) expands at most about 1032:1. A dataset larger than this factor times the file
     * (plus a small margin) is a damaged header, refused before jhdf allocates and fills it. (A dataset whose chunks
     * were never written, all fill value, could be larger; no CryoSiam file is one.)
     */
    private static final long MAX_EXPANSION = 1100;
    private static final long EXPANSION_MARGIN = 1L << 20;

    private Hdf5() {
    }

    /** Names of the datasets in the root group, sorted (as h5py lists them). */
    public static List<String> datasetNames(Path file) {
        try (HdfFile h = open(file)) {
            return datasetNamesOf(h);
        } catch (RuntimeException | StackOverflowError e) {
            throw unreadable(file, e);
        }
    }

    public static boolean hasDataset(Path file, String name) {
        return datasetNames(file).contains(name);
    }

    /** Reads one dataset; a missing dataset is a user error naming the file and the dataset. */
    public static NdData read(Path file, String name) {
        try (HdfFile h = open(file)) {
            return readDataset(file, h, name);
        } catch (RuntimeException | StackOverflowError e) {
            throw unreadable(file, e);
        }
    }

    /** Reads every dataset of the root group, by sorted name. */
    public static Map<String, NdData> readAll(Path file) {
        Map<String, NdData> out = new LinkedHashMap<>();
        try (HdfFile h = open(file)) {
            for (String name : datasetNamesOf(h)) {
                out.put(name, readDataset(file, h, name));
            }
            return out;
        } catch (RuntimeException | StackOverflowError e) {
            throw unreadable(file, e);
        }
    }

    /** Writes one dataset to a new file (replacing any), outside any run. */
    public static void write(Path file, String name, NdData data) {
        write(file, Map.of(name, data), Options.NONE, OutputSink.NONE);
    }

    /** Writes one dataset to a new file (replacing any), an output of the run of {@code outputs}. */
    public static void write(Path file, String name, NdData data, OutputSink outputs) {
        write(file, Map.of(name, data), Options.NONE, outputs);
    }

    /**
     * Writes the datasets, in map order, to a new file (replacing any); contiguous, uncompressed, little-endian;
     * outside any run.
     */
    public static void write(Path file, Map<String, NdData> datasets) {
        write(file, datasets, Options.NONE, OutputSink.NONE);
    }

    /** Writes the datasets as {@link #write(Path, Map)} does, an output of the run of {@code outputs}. */
    public static void write(Path file, Map<String, NdData> datasets, OutputSink outputs) {
        write(file, datasets, Options.NONE, outputs);
    }

    /** One dataset derived from a tomogram (see {@link Options}), outside any run. */
    public static void write(Path file, String name, NdData data, Options options) {
        write(file, Map.of(name, data), options, OutputSink.NONE);
    }

    /** One dataset derived from a tomogram (see {@link Options}), an output of the run of {@code outputs}. */
    public static void write(Path file, String name, NdData data, Options options, OutputSink outputs) {
        write(file, Map.of(name, data), options, outputs);
    }

    /** {@link #write(Path, Map, Options, OutputSink)} outside any run. */
    public static void write(Path file, Map<String, NdData> datasets, Options options) {
        write(file, datasets, options, OutputSink.NONE);
    }

    /**
     * Writes the datasets as {@link #write(Path, Map)} does, with the run's string attributes ({@code outputs}) and,
     * for an output derived from a tomogram, its voxel size as the root attribute {@value #VOXEL_SIZE} (float32
     * {@code [z, y, x]} in Å, the order of the array axes); the file is noted in {@code outputs}.
     */
    public static void write(Path file, Map<String, NdData> datasets, Options options, OutputSink outputs) {
        Map<String, Object> attributes = attributes(options, outputs);
        AtomicFile.write(file, tmp -> Hdf5Writer.write(tmp, datasets, attributes, options.float16()), outputs);
    }

    private static Map<String, Object> attributes(Options options, OutputSink outputs) {
        Map<String, Object> attributes = new LinkedHashMap<>(outputs.hdf5Attributes());
        if (options.geometry() != null) {
            attributes.put(VOXEL_SIZE, options.geometry().voxelSizeZyx());
        }
        return attributes;
    }

    /** The element type and shape of a dataset that {@link #stream} fills later. */
    public record DatasetSpec(ElementType type, int... shape) {
    }

    /**
     * Opens {@code file} for datasets filled piece by piece (a prediction written slab by slab): the same file
     * {@link #write(Path, Map, Options, OutputSink)} makes from whole arrays, under a temporary name until
     * {@link Stream#finish}, then noted in {@code outputs}.
     */
    public static Stream stream(Path file, Map<String, DatasetSpec> datasets, Options options,
            OutputSink outputs) {
        Map<String, Hdf5Writer.Spec> specs = new LinkedHashMap<>();
        datasets.forEach((name, d) -> specs.put(name, new Hdf5Writer.Spec(d.type(), d.shape())));
        AtomicFile.Pending pending = AtomicFile.begin(file, outputs);
        try {
            return new Stream(pending, Hdf5Writer.open(pending.temporary(), specs, attributes(options, outputs),
                    options.float16()), List.copyOf(datasets.keySet()));
        } catch (IOException e) {
            pending.close();
            throw new CryosiamUserException(file + ": cannot write (" + e.getMessage() + ").", e);
        }
    }

    /** An HDF5 output being filled; closing it without {@link #finish} deletes the partial file. */
    public static final class Stream implements AutoCloseable {
        private final AtomicFile.Pending pending;
        private final Hdf5Writer.Stream out;
        private final List<String> names;

        private Stream(AtomicFile.Pending pending, Hdf5Writer.Stream out, List<String> names) {
            this.pending = pending;
            this.out = out;
            this.names = names;
        }

        /** Writes {@code piece} into dataset {@code name} from element {@code offset} (row-major order) on. */
        public void write(String name, long offset, NdData piece) {
            int i = names.indexOf(name);
            if (i < 0) {
                throw new IllegalArgumentException("no dataset " + name + " in " + names);
            }
            try {
                out.write(i, offset, piece);
            } catch (IOException e) {
                throw new CryosiamUserException(pending.target() + ": cannot write (" + e.getMessage() + ").", e);
            }
        }

        /** Closes the file and moves it into place. */
        public void finish() {
            try {
                out.close();
            } catch (IOException e) {
                throw new CryosiamUserException(pending.target() + ": cannot write (" + e.getMessage() + ").", e);
            }
            pending.commit();
        }

        @Override
        public void close() {
            try {
                out.close();
            } catch (IOException ignored) {
                // the partial file is deleted next
            }
            pending.close();
        }
    }

    /** The root attribute with the voxel size of an output derived from a tomogram. */
    public static final String VOXEL_SIZE = "voxel_size";

    /**
     * How an output is written beyond its datasets.
     *
     * @param geometry the grid of the tomogram it derives from (null: none), for the {@value #VOXEL_SIZE} attribute
     * @param float16  float32 datasets stored as float16 (half the disk, about three significant digits)
     */
    public record Options(Geometry geometry, boolean float16) {
        public static final Options NONE = new Options(null, false);

        /** Derived from a tomogram on {@code geometry}, float32 kept. */
        public static Options of(Geometry geometry) {
            return new Options(geometry, false);
        }

        /** Derived from another HDF5 output: its voxel size, when it has one, carries over. */
        public static Options from(Path h5) {
            float[] vs = voxelSize(h5);
            return new Options(vs == null ? null : Geometry.of(vs), false);
        }
    }

    /**
     * The attributes of the root group: strings (fixed or variable length) as {@code String}, numeric arrays as
     * jhdf gives them (a float32 array as {@code float[]}).
     */
    public static Map<String, Object> attributes(Path file) {
        Map<String, Object> out = new LinkedHashMap<>();
        try (HdfFile h = open(file)) {
            for (Map.Entry<String, io.jhdf.api.Attribute> e : h.getAttributes().entrySet()) {
                Object v = e.getValue().getData();
                out.put(e.getKey(), v instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_8) : v);
            }
            return out;
        } catch (RuntimeException | StackOverflowError e) {
            throw unreadable(file, e);
        }
    }

    /** The {@value #VOXEL_SIZE} attribute as {@code {x, y, z}} Å (as MRC headers order it), or null when absent. */
    public static float[] voxelSize(Path file) {
        Object v = attributes(file).get(VOXEL_SIZE);
        if (v instanceof float[] f && f.length == 3) {
            return new float[] {f[2], f[1], f[0]};
        }
        if (v instanceof double[] d && d.length == 3) { // written by another tool as float64
            return new float[] {(float) d[2], (float) d[1], (float) d[0]};
        }
        return null;
    }

    private static HdfFile open(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new CryosiamUserException(file + ": file not found.");
        }
        HdfFile h;
        try {
            h = openMapped(file);
        } catch (RuntimeException | StackOverflowError e) {
            throw unreadable(file, e);
        }
        try {
            checkEndOfFile(file, h);
            return h;
        } catch (RuntimeException e) {
            h.close();
            throw unreadable(file, e);
        }
    }

    /**
     * jhdf reading through a file channel allocates a buffer of whatever length a header field says before it reads
     * (a damaged object header asked for gigabytes); over a byte buffer it takes slices, which a length past the end
     * refuses. So files that fit one mapping (2 GiB) are read from a read-only memory map: no copy, no allocation
     * sized by the file's fields. Larger files go through the channel.
     */
    private static HdfFile openMapped(Path file) {
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file,
                java.nio.file.StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE - 8) {
                return new HdfFile(file);
            }
            return HdfFile.fromByteBuffer(ch.map(java.nio.channels.FileChannel.MapMode.READ_ONLY, 0, size));
        } catch (java.io.IOException e) {
            throw new CryosiamUserException(file + ": cannot read (" + e.getMessage() + ").", e);
        }
    }

    /** The superblock records where the file ends; a shorter file lost data (h5py refuses it too). */
    private static void checkEndOfFile(Path file, HdfFile h) {
        Superblock sb = h.getHdfBackingStorage().getSuperblock();
        long eof = sb.getEndOfFileAddress();
        long size = h.size();
        if (eof >= 0 && sb.getBaseAddressByte() + eof > size) {
            throw truncated(file, sb.getBaseAddressByte() + eof, size);
        }
    }

    private static CryosiamUserException truncated(Path file, long need, long size) {
        return new CryosiamUserException(file + ": truncated HDF5 file (its data needs " + need
                + " bytes, the file has " + size + ").");
    }

    private static List<String> datasetNamesOf(HdfFile h) {
        List<String> names = new ArrayList<>();
        for (Map.Entry<String, Node> e : h.getChildren().entrySet()) {
            if (resolve(h, e.getValue()) instanceof Dataset) {
                names.add(e.getKey());
            }
        }
        Collections.sort(names);
        return names;
    }

    /**
     * The node a soft link (or a chain of them) points to, the node itself when it is no link, null when a link is
     * broken, external or part of a cycle. Paths are looked up here, group by group, rather than by jhdf's
     * {@code getTarget}, which recurses without end on a cycle of links.
     */
    private static Node resolve(HdfFile h, Node node) {
        int[] hops = {0};
        return resolve(h, node, hops);
    }

    private static Node resolve(HdfFile h, Node node, int[] hops) {
        while (node instanceof Link) {
            if (!(node instanceof SoftLink) || ++hops[0] > MAX_LINK_HOPS) {
                return null;
            }
            node = lookup(h, ((Link) node).getTargetPath(), hops);
        }
        return node;
    }

    private static Node lookup(HdfFile h, String path, int[] hops) {
        Node cur = h;
        for (String part : path.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (!(cur instanceof Group)) {
                return null;
            }
            cur = resolve(h, ((Group) cur).getChildren().get(part), hops);
        }
        return cur;
    }

    private static NdData readDataset(Path file, HdfFile h, String name) {
        Node child = h.getChildren().get(name);
        Node node = resolve(h, child);
        if (!(node instanceof Dataset)) {
            String link = child instanceof Link ? " ('" + name + "' is a link to " + ((Link) child).getTargetPath()
                    + ", which is not a dataset of this file)" : "";
            throw new CryosiamUserException(file + ": no dataset '" + name + "'" + link + " (found: "
                    + String.join(", ", datasetNamesOf(h)) + ").");
        }
        Dataset ds = (Dataset) node;
        ElementType type = elementType(file, name, ds.getDataType());
        int[] shape = ds.isScalar() ? new int[0] : ds.getDimensions();
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new CryosiamUserException(file + ": dataset '" + name + "' has the invalid shape "
                        + java.util.Arrays.toString(shape) + ".");
            }
            long cap = Long.MAX_VALUE / 16; // saturate: n is only compared with bounds far below this
            n = d != 0 && n > cap / d ? cap : n * d;
        }
        if (n == 0) {
            return new NdData(type, shape, type.newArray(0));
        }
        checkExtent(file, h, name, ds, n, ds.getDataType().getSize());
        Object flat = ds.isScalar() ? wrapScalar(ds.getData()) : ds.getDataFlat();
        return new NdData(type, shape, convert(flat, type));
    }

    /** Our element type for an HDF5 type, or a user error for a type no file of ours holds. */
    private static ElementType elementType(Path file, String name, DataType t) {
        if (t instanceof FloatingPoint) {
            switch (t.getSize()) {
                case 2: // float16, widened as jhdf reads it
                    return ElementType.FLOAT32;
                case 4:
                    return ElementType.FLOAT32;
                case 8:
                    return ElementType.FLOAT64;
                default:
                    break;
            }
        } else if (t instanceof FixedPoint) {
            boolean signed = ((FixedPoint) t).isSigned();
            switch (t.getSize()) {
                case 1:
                    return signed ? ElementType.INT8 : ElementType.UINT8;
                case 2:
                    return signed ? ElementType.INT16 : ElementType.UINT16;
                case 4:
                    return signed ? ElementType.INT32 : ElementType.UINT32;
                case 8:
                    if (signed) {
                        return ElementType.INT64;
                    }
                    break;
                default:
                    break;
            }
        }
        throw new CryosiamUserException(file + ": dataset '" + name + "' has an unsupported element type ("
                + t.getClass().getSimpleName() + ", " + t.getSize() + " bytes).");
    }

    private static Object wrapScalar(Object v) {
        if (v.getClass().isArray()) {
            return v;
        }
        if (v instanceof Byte) {
            return new byte[] {(Byte) v};
        } else if (v instanceof Short) {
            return new short[] {(Short) v};
        } else if (v instanceof Integer) {
            return new int[] {(Integer) v};
        } else if (v instanceof Long) {
            return new long[] {(Long) v};
        } else if (v instanceof Float) {
            return new float[] {(Float) v};
        } else if (v instanceof Double) {
            return new double[] {(Double) v};
        }
        throw new IllegalStateException("unexpected scalar " + v.getClass());
    }

    /**
     * jhdf widens unsigned types to the next Java type (uint8 to short or int, uint32 to long); narrow them back to
     * the array class our {@link ElementType} uses, keeping the bits.
     */
    private static Object convert(Object flat, ElementType type) {
        if (flat.getClass() == type.arrayClass()) {
            return flat;
        }
        int n = java.lang.reflect.Array.getLength(flat);
        Object out = type.newArray(n);
        if (flat instanceof short[] && out instanceof byte[]) {
            short[] a = (short[]) flat;
            byte[] o = (byte[]) out;
            for (int i = 0; i < n; i++) {
                o[i] = (byte) a[i];
            }
        } else if (flat instanceof int[] && out instanceof byte[]) {
            int[] a = (int[]) flat;
            byte[] o = (byte[]) out;
            for (int i = 0; i < n; i++) {
                o[i] = (byte) a[i];
            }
        } else if (flat instanceof int[] && out instanceof short[]) {
            int[] a = (int[]) flat;
            short[] o = (short[]) out;
            for (int i = 0; i < n; i++) {
                o[i] = (short) a[i];
            }
        } else if (flat instanceof long[] && out instanceof int[]) {
            long[] a = (long[]) flat;
            int[] o = (int[]) out;
            for (int i = 0; i < n; i++) {
                o[i] = (int) a[i];
            }
        } else {
            throw new IllegalStateException("jhdf returned " + flat.getClass().getSimpleName() + " for "
                    + type.numpyName());
        }
        return out;
    }

    /** Refuses a dataset whose bytes do not lie inside the file, before anything of its size is allocated. */
    private static void checkExtent(Path file, HdfFile h, String name, Dataset ds, long n, int elementSize) {
        if (n > MAX_ELEMENTS) {
            throw new CryosiamUserException(file + ": dataset '" + name + "' has " + n + " elements, more than one "
                    + "array can hold (2^31).");
        }
        long bytes = n * elementSize;
        long size = h.size();
        long address = ds instanceof ContiguousDataset ? ((ContiguousDataset) ds).getDataAddress() : -1;
        if (address >= 0) { // (an undefined address, all bits set: never written, reads as the fill value)
            long end = h.getHdfBackingStorage().getUserBlockSize() + address + bytes;
            if (end < 0 || end > size) {
                throw truncated(file, end < 0 ? Long.MAX_VALUE : end, size);
            }
        } else if (!ds.isScalar() && bytes > MAX_EXPANSION * size + EXPANSION_MARGIN) {
            throw new CryosiamUserException(file + ": dataset '" + name + "' claims " + bytes + " bytes, more than "
                    + "a file of " + size + " bytes can hold; the file is damaged.");
        }
        if (ds instanceof ChunkedDataset) { // jhdf allocates (and walks) whole chunks: their size is bounded too
            long chunk = elementSize;
            for (int c : ((ChunkedDataset) ds).getChunkDimensions()) {
                if (c < 1) {
                    throw new CryosiamUserException(file + ": dataset '" + name + "' has a chunk dimension of " + c
                            + "; the file is damaged.");
                }
                chunk = Math.min(chunk * c, Long.MAX_VALUE / (1L << 32)); // c < 2^31: saturates, no overflow
            }
            if (chunk > MAX_EXPANSION * size + EXPANSION_MARGIN) {
                throw new CryosiamUserException(file + ": dataset '" + name + "' claims chunks of " + chunk
                        + " bytes, more than a file of " + size + " bytes can hold; the file is damaged.");
            }
        }
    }

    private static CryosiamUserException unreadable(Path file, Throwable e) {
        if (e instanceof CryosiamUserException) {
            return (CryosiamUserException) e;
        }
        // jhdf's own messages say what it found; anything else (an index past a buffer...) is damage all the same
        String why = e instanceof io.jhdf.exceptions.HdfException && e.getMessage() != null
                ? e.getMessage().replaceAll("([a-z]+\\.)+[A-Za-z]*(Exception|Error): ", "").replaceAll("\\s+", " ")
                : "its structure is damaged";
        if (why.length() > 200 || why.contains("Exception") || why.contains("java.")) {
            why = "its structure is damaged";
        }
        return new CryosiamUserException(file + ": not a readable HDF5 file (" + why.strip() + ").", e);
    }
}
