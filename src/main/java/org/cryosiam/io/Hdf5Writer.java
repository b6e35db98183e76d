package org.cryosiam.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal HDF5 writer: one file, datasets in the root group, contiguous uncompressed little-endian data.
 *
 * <p>Why our own and not jhdf: jhdf 0.10.0 derives the HDF5 type from the Java type and hard-codes fixed-point types
 * as signed, so it cannot write the {@code uint8 labels} and {@code uint32 instances} the reference writes (h5py would
 * report int8/int32), and it takes the shape from nested Java arrays, so a 3-D volume would need a {@code byte[][][]}
 * copy of every voxel. The subset of the format needed for "root group + contiguous datasets" is small: a version-2
 * superblock, version-2 object headers (the root group with compact link storage, one header per dataset) and raw
 * data. jhdf is still what reads HDF5 (ours and h5py's).
 *
 * <p>Layout: superblock | root group header | dataset headers | global heap | data blocks (8-byte aligned). The
 * global heap holds the text of the string attributes: variable-length UTF-8 strings, which h5py returns as
 * {@code str} (fixed-length ones come back as {@code bytes}).
 */
final class Hdf5Writer {
    private static final long UNDEFINED = -1L; // all bits set: "no address"
    private static final int SUPERBLOCK_SIZE = 48;
    private static final int MSG_HEADER = 4; // type (1), size (2), flags (1)
    private static final int OHDR_PREFIX = 10; // "OHDR", version, flags, 4-byte chunk size
    private static final int CHECKSUM = 4;
    private static final int COPY_CHUNK = 1 << 20; // elements per write when streaming data
    private static final int HEAP_HEADER = 16; // "GCOL", version, 3 reserved, collection size
    private static final int HEAP_OBJECT_HEADER = 16; // index, reference count, 4 reserved, object size
    private static final int HEAP_MIN_SIZE = 4096; // the smallest collection the HDF5 library makes
    private static final int VLEN_STRING_TYPE = 20; // variable-length datatype with its 1-byte base type
    private static final int VLEN_REFERENCE = 16; // length, collection address, object index

    private Hdf5Writer() {
    }

    /**
     * Writes the datasets (in map order) to {@code file}, replacing it, with attributes on the root group: a
     * {@code String} becomes a scalar variable-length UTF-8 string, a {@code float[]} a 1-D float32 array. Dataset
     * and attribute names are plain ASCII without '/'.
     *
     * @param float16 store float32 datasets as IEEE half precision (h5py reads float16), rounded to nearest
     */
    static void write(Path file, Map<String, NdData> datasets, Map<String, Object> rootAttributes, boolean float16)
            throws IOException {
        Map<String, Spec> specs = new LinkedHashMap<>();
        datasets.forEach((name, d) -> specs.put(name, new Spec(d.type(), d.shape())));
        try (Stream out = open(file, specs, rootAttributes, float16)) {
            int i = 0;
            for (NdData d : datasets.values()) {
                out.write(i++, 0, d);
            }
        }
    }

    /** The type and shape of a dataset whose data come later. */
    record Spec(ElementType type, int[] shape) {
        long size() {
            long n = 1;
            for (int s : shape) {
                n *= s;
            }
            return n;
        }
    }

    /**
     * Writes the file's structure for the datasets (in map order) and returns the open file, whose data are then
     * written in any order with {@link Stream#write}; see {@link #write} for the rest.
     */
    static Stream open(Path file, Map<String, Spec> datasets, Map<String, Object> rootAttributes, boolean float16)
            throws IOException {
        List<Attribute> attributes = new ArrayList<>();
        int heapObjects = 0;
        for (Map.Entry<String, Object> e : rootAttributes.entrySet()) {
            Attribute a = new Attribute(e.getKey().getBytes(StandardCharsets.US_ASCII), e.getValue(),
                    e.getValue() instanceof String ? ++heapObjects : 0);
            if (!(e.getValue() instanceof String) && !(e.getValue() instanceof float[])) {
                throw new IllegalArgumentException("attribute " + e.getKey() + ": a String or float[] is needed");
            }
            attributes.add(a);
        }
        List<String> names = new ArrayList<>(datasets.keySet());
        for (String n : names) {
            if (n.isEmpty() || n.contains("/") || n.equals(".") || !StandardCharsets.US_ASCII.newEncoder().canEncode(n)
                    || n.length() > 255) {
                throw new IllegalArgumentException("invalid HDF5 dataset name '" + n + "'");
            }
        }
        int rootSize = OHDR_PREFIX + MSG_HEADER + 18 + MSG_HEADER + 2 + CHECKSUM;
        for (String n : names) {
            rootSize += MSG_HEADER + linkMessageSize(n);
        }
        for (Attribute a : attributes) {
            rootSize += MSG_HEADER + a.messageSize();
        }
        long[] headerAddr = new long[names.size()];
        long pos = SUPERBLOCK_SIZE + rootSize;
        for (int i = 0; i < names.size(); i++) {
            headerAddr[i] = pos;
            pos += datasetHeaderSize(datasets.get(names.get(i)));
        }
        ByteBuffer heap = heapObjects == 0 ? null : globalHeap(attributes);
        long heapAddr = UNDEFINED;
        if (heap != null) {
            pos = align8(pos);
            heapAddr = pos;
            pos += heap.remaining();
        }
        Spec[] specs = new Spec[names.size()];
        StoredType[] stored = new StoredType[names.size()];
        long[] dataAddr = new long[names.size()];
        for (int i = 0; i < names.size(); i++) {
            specs[i] = datasets.get(names.get(i));
            stored[i] = storedType(specs[i].type(), float16);
            long bytes = specs[i].size() * bytesOf(specs[i].type(), stored[i]);
            if (bytes == 0) {
                dataAddr[i] = UNDEFINED; // what h5py writes for an empty dataset: no storage allocated
            } else {
                pos = align8(pos);
                dataAddr[i] = pos;
                pos += bytes;
            }
        }
        long eof = pos;

        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        try {
            ByteBuffer meta = le(SUPERBLOCK_SIZE + rootSize);
            superblock(meta, eof);
            rootGroup(meta, rootSize, names, headerAddr, attributes, heapAddr);
            meta.flip();
            writeFully(ch, meta, 0);
            for (int i = 0; i < names.size(); i++) {
                ByteBuffer h = le(datasetHeaderSize(specs[i]));
                datasetHeader(h, specs[i], stored[i], dataAddr[i]);
                h.flip();
                writeFully(ch, h, headerAddr[i]);
            }
            if (heap != null) {
                writeFully(ch, heap, heapAddr);
            }
            if (ch.size() < eof) { // the file has its full length from the start; data fill it in place
                writeFully(ch, ByteBuffer.allocate(1), eof - 1);
            }
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        return new Stream(ch, specs, stored, dataAddr);
    }

    /** An HDF5 file whose structure is written and whose datasets are filled piece by piece. */
    static final class Stream implements AutoCloseable {
        private final FileChannel ch;
        private final Spec[] specs;
        private final StoredType[] stored;
        private final long[] dataAddr;

        private Stream(FileChannel ch, Spec[] specs, StoredType[] stored, long[] dataAddr) {
            this.ch = ch;
            this.specs = specs;
            this.stored = stored;
            this.dataAddr = dataAddr;
        }

        /** Writes {@code piece}'s elements into dataset {@code i} from element {@code offset} (row-major) on. */
        void write(int i, long offset, NdData piece) throws IOException {
            if (piece.type() != specs[i].type()) {
                throw new IllegalArgumentException("dataset " + i + " holds " + specs[i].type().numpyName()
                        + ", given " + piece.type().numpyName());
            }
            if (offset < 0 || offset + piece.size() > specs[i].size()) {
                throw new IllegalArgumentException("elements " + offset + ".." + (offset + piece.size())
                        + " outside dataset " + i + " of " + specs[i].size());
            }
            if (piece.size() > 0) {
                writeData(ch, piece, stored[i], dataAddr[i] + offset * bytesOf(piece.type(), stored[i]));
            }
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
    }

    /** A root-group attribute: a string (its text is global-heap object {@code heapIndex}) or a float32 array. */
    private record Attribute(byte[] name, Object value, int heapIndex) {
        byte[] text() {
            return ((String) value).getBytes(StandardCharsets.UTF_8);
        }

        int messageSize() {
            int head = 9 + name.length + 1; // version, flags, three sizes, encoding, name with its NUL
            if (value instanceof String) {
                return head + VLEN_STRING_TYPE + 4 + VLEN_REFERENCE;
            }
            return head + 20 + 12 + 4 * ((float[]) value).length;
        }
    }

    /**
     * One global heap collection with the text of every string attribute, in order (object i+1 for the i-th string),
     * then the free space as object 0, as the HDF5 library lays it out.
     */
    private static ByteBuffer globalHeap(List<Attribute> attributes) {
        int used = HEAP_HEADER;
        for (Attribute a : attributes) {
            if (a.heapIndex() > 0) {
                used += HEAP_OBJECT_HEADER + (int) align8(a.text().length);
            }
        }
        // the free-space object gets 8 bytes beyond its header: jhdf 0.10 fails on a free object of header alone
        int size = Math.max(HEAP_MIN_SIZE, (int) align8(used + HEAP_OBJECT_HEADER + 8));
        ByteBuffer b = le(size);
        b.put(new byte[] {'G', 'C', 'O', 'L', 1, 0, 0, 0}).putLong(size);
        for (Attribute a : attributes) {
            if (a.heapIndex() > 0) {
                byte[] t = a.text();
                b.putShort((short) a.heapIndex()).putShort((short) 1).putInt(0).putLong(t.length);
                b.put(t);
                b.position(b.position() + (int) (align8(t.length) - t.length));
            }
        }
        // free space: its size counts its own header, as the library reads it
        b.putShort((short) 0).putShort((short) 0).putInt(0).putLong(size - b.position());
        b.position(0);
        return b;
    }

    private static void superblock(ByteBuffer b, long eof) {
        int start = b.position();
        b.put(new byte[] {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'});
        b.put((byte) 2); // superblock version
        b.put((byte) 8); // size of offsets
        b.put((byte) 8); // size of lengths
        b.put((byte) 0); // file consistency flags
        b.putLong(0); // base address
        b.putLong(UNDEFINED); // superblock extension
        b.putLong(eof); // end of file address
        b.putLong(SUPERBLOCK_SIZE); // root group object header
        b.putInt(Lookup3.hash(b, start, b.position() - start));
    }

    private static void rootGroup(ByteBuffer b, int size, List<String> names, long[] headerAddr,
            List<Attribute> attributes, long heapAddr) {
        int start = beginHeader(b, size);
        message(b, 0x02, 18); // link info: "new style" group with links stored in this header
        b.put((byte) 0).put((byte) 0).putLong(UNDEFINED).putLong(UNDEFINED);
        message(b, 0x0A, 2); // group info: defaults
        b.put((byte) 0).put((byte) 0);
        for (int i = 0; i < names.size(); i++) {
            byte[] name = names.get(i).getBytes(StandardCharsets.US_ASCII);
            message(b, 0x06, linkMessageSize(names.get(i)));
            b.put((byte) 1); // version
            b.put((byte) 0); // flags: 1-byte name length, hard link, ASCII
            b.put((byte) name.length);
            b.put(name);
            b.putLong(headerAddr[i]);
        }
        for (Attribute a : attributes) {
            attribute(b, a, heapAddr);
        }
        endHeader(b, start);
    }

    /**
     * An attribute message (version 3): a scalar variable-length UTF-8 string (a reference to its global heap
     * object) or a 1-D float32 array.
     */
    private static void attribute(ByteBuffer b, Attribute a, long heapAddr) {
        boolean text = a.value() instanceof String;
        message(b, 0x0C, a.messageSize());
        b.put((byte) 3).put((byte) 0); // version, flags
        b.putShort((short) (a.name().length + 1)); // name size, with the null terminator
        b.putShort((short) (text ? VLEN_STRING_TYPE : 20)); // datatype size
        b.putShort((short) (text ? 4 : 12)); // dataspace size
        b.put((byte) 0); // name encoding: ASCII
        b.put(a.name()).put((byte) 0);
        if (text) {
            byte[] t = a.text();
            b.put((byte) 0x19); // datatype version 1, class 9 (variable length)
            b.put((byte) 0x01).put((byte) 0x01).put((byte) 0); // a string, null-terminated, UTF-8
            b.putInt(VLEN_REFERENCE); // size of one element in the attribute's data
            b.put((byte) 0x10).put((byte) 0).put((byte) 0).put((byte) 0).putInt(1); // base: unsigned 8-bit
            b.putShort((short) 0).putShort((short) 8);
            b.put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0); // dataspace version 2, rank 0, scalar
            b.putInt(t.length).putLong(heapAddr).putInt(a.heapIndex());
        } else {
            float[] v = (float[]) a.value();
            floatType(b, StoredType.FLOAT32);
            b.put((byte) 2).put((byte) 1).put((byte) 0).put((byte) 1).putLong(v.length); // simple, rank 1
            for (float f : v) {
                b.putFloat(f);
            }
        }
    }

    private static int linkMessageSize(String name) {
        return 3 + name.length() + 8;
    }

    private static int datasetHeaderSize(Spec d) {
        int rank = d.shape().length;
        int dataspace = 4 + 8 * rank;
        int datatype = d.type().floating() ? 20 : 12;
        return OHDR_PREFIX + MSG_HEADER * 4 + dataspace + datatype + 2 + 18 + CHECKSUM;
    }

    /** How a dataset's elements are stored: its own type, or float32 as half precision. */
    private enum StoredType {
        OWN(0), FLOAT16(2), FLOAT32(4), FLOAT64(8);

        final int bytes;

        StoredType(int bytes) {
            this.bytes = bytes;
        }
    }

    private static StoredType storedType(ElementType type, boolean float16) {
        switch (type) {
            case FLOAT32:
                return float16 ? StoredType.FLOAT16 : StoredType.FLOAT32;
            case FLOAT64:
                return StoredType.FLOAT64;
            default:
                return StoredType.OWN;
        }
    }

    private static void datasetHeader(ByteBuffer b, Spec d, StoredType stored, long dataAddr) {
        int start = beginHeader(b, datasetHeaderSize(d));
        int[] shape = d.shape();
        message(b, 0x01, 4 + 8 * shape.length); // dataspace, version 2
        b.put((byte) 2).put((byte) shape.length).put((byte) 0).put((byte) (shape.length == 0 ? 0 : 1));
        for (int s : shape) {
            b.putLong(s);
        }
        ElementType t = d.type();
        if (t.floating()) {
            message(b, 0x03, 20);
            floatType(b, stored);
        } else {
            message(b, 0x03, 12);
            b.put((byte) 0x10); // version 1, class 0 (fixed point)
            b.put((byte) (t.signed() ? 0x08 : 0x00)); // little endian, no padding, signed bit
            b.put((byte) 0).put((byte) 0);
            b.putInt(t.bytes());
            b.putShort((short) 0).putShort((short) (t.bytes() * 8));
        }
        message(b, 0x05, 2); // fill value, version 3: allocated early, written if set, none defined
        b.put((byte) 3).put((byte) 0x09);
        message(b, 0x08, 18); // data layout, version 3, contiguous
        b.put((byte) 3).put((byte) 1).putLong(dataAddr).putLong(d.size() * bytesOf(d.type(), stored));
        endHeader(b, start);
    }

    private static int bytesOf(ElementType type, StoredType stored) {
        return stored == StoredType.OWN ? type.bytes() : stored.bytes;
    }

    /** An IEEE floating-point datatype (20 bytes): half, single or double precision, little endian. */
    private static void floatType(ByteBuffer b, StoredType stored) {
        int bytes = stored.bytes;
        b.put((byte) 0x11); // version 1, class 1 (floating point)
        b.put((byte) 0x20); // little endian, no padding, mantissa normalisation: implied leading 1
        b.put((byte) (bytes * 8 - 1)); // sign bit position
        b.put((byte) 0);
        b.putInt(bytes);
        b.putShort((short) 0).putShort((short) (bytes * 8));
        if (bytes == 2) {
            b.put((byte) 10).put((byte) 5).put((byte) 0).put((byte) 10).putInt(15);
        } else if (bytes == 4) {
            b.put((byte) 23).put((byte) 8).put((byte) 0).put((byte) 23).putInt(127);
        } else {
            b.put((byte) 52).put((byte) 11).put((byte) 0).put((byte) 52).putInt(1023);
        }
    }

    private static int beginHeader(ByteBuffer b, int totalSize) {
        int start = b.position();
        b.put(new byte[] {'O', 'H', 'D', 'R'});
        b.put((byte) 2); // version
        b.put((byte) 0x02); // flags: chunk size stored in 4 bytes, no times, no attribute tracking
        b.putInt(totalSize - OHDR_PREFIX - CHECKSUM);
        return start;
    }

    private static void message(ByteBuffer b, int type, int size) {
        b.put((byte) type).putShort((short) size).put((byte) 0);
    }

    private static void endHeader(ByteBuffer b, int start) {
        b.putInt(Lookup3.hash(b, start, b.position() - start));
    }

    private static void writeData(FileChannel ch, NdData d, StoredType stored, long addr) throws IOException {
        int n = d.size();
        int w = bytesOf(d.type(), stored);
        ByteBuffer buf = le(Math.min(n, COPY_CHUNK) * w);
        Object a = d.data();
        for (int off = 0; off < n; off += COPY_CHUNK) {
            int len = Math.min(COPY_CHUNK, n - off);
            buf.clear();
            if (stored == StoredType.FLOAT16) {
                float[] f = (float[]) a;
                for (int i = 0; i < len; i++) {
                    buf.putShort(2 * i, Float16.fromFloat(f[off + i]));
                }
            } else if (a instanceof byte[]) {
                buf.put((byte[]) a, off, len);
            } else if (a instanceof short[]) {
                buf.asShortBuffer().put((short[]) a, off, len);
            } else if (a instanceof int[]) {
                buf.asIntBuffer().put((int[]) a, off, len);
            } else if (a instanceof long[]) {
                buf.asLongBuffer().put((long[]) a, off, len);
            } else if (a instanceof float[]) {
                buf.asFloatBuffer().put((float[]) a, off, len);
            } else {
                buf.asDoubleBuffer().put((double[]) a, off, len);
            }
            buf.position(0).limit(len * w);
            writeFully(ch, buf, addr + (long) off * w);
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer b, long at) throws IOException {
        while (b.hasRemaining()) {
            at += ch.write(b, at);
        }
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static long align8(long p) {
        return (p + 7) & ~7L;
    }

    /** Bob Jenkins' lookup3 {@code hashlittle} with seed 0: the checksum HDF5 puts on version-2 metadata. */
    static final class Lookup3 {
        private Lookup3() {
        }

        static int hash(ByteBuffer buf, int off, int length) {
            int a, b, c;
            a = b = c = 0xdeadbeef + length;
            int k = off;
            while (length > 12) {
                a += word(buf, k);
                b += word(buf, k + 4);
                c += word(buf, k + 8);
                a -= c; a ^= Integer.rotateLeft(c, 4); c += b;
                b -= a; b ^= Integer.rotateLeft(a, 6); a += c;
                c -= b; c ^= Integer.rotateLeft(b, 8); b += a;
                a -= c; a ^= Integer.rotateLeft(c, 16); c += b;
                b -= a; b ^= Integer.rotateLeft(a, 19); a += c;
                c -= b; c ^= Integer.rotateLeft(b, 4); b += a;
                length -= 12;
                k += 12;
            }
            if (length == 0) {
                return c;
            }
            // the last 1..12 bytes, zero-padded, go into a, b, c as little-endian words
            int[] w = new int[3];
            for (int i = 0; i < length; i++) {
                w[i / 4] |= (buf.get(k + i) & 0xFF) << (8 * (i % 4));
            }
            a += w[0];
            b += w[1];
            c += w[2];
            c ^= b; c -= Integer.rotateLeft(b, 14);
            a ^= c; a -= Integer.rotateLeft(c, 11);
            b ^= a; b -= Integer.rotateLeft(a, 25);
            c ^= b; c -= Integer.rotateLeft(b, 16);
            a ^= c; a -= Integer.rotateLeft(c, 4);
            b ^= a; b -= Integer.rotateLeft(a, 14);
            c ^= b; c -= Integer.rotateLeft(b, 24);
            return c;
        }

        private static int word(ByteBuffer buf, int i) {
            return (buf.get(i) & 0xFF) | (buf.get(i + 1) & 0xFF) << 8 | (buf.get(i + 2) & 0xFF) << 16
                    | (buf.get(i + 3) & 0xFF) << 24;
        }
    }
}
