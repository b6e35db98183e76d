package org.cryosiam.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.cryosiam.volume.Volume;

/**
 * Writes little-endian MRC2014 files that {@code mrcfile.validate} accepts, always through {@link AtomicFile}.
 *
 * <p>The mode follows the element type the way mrcfile 1.4 ({@code utils.mode_from_dtype}) maps numpy dtypes, so a
 * mask we write reads back in Python as the reference's would: float32 → mode 2, int8 → mode 0, int16 → mode 1,
 * uint16 → mode 6, and <b>uint8 → mode 6</b> (widened to 16 bits: MRC has no unsigned 8-bit mode, and mode 0 reads
 * back as int8, so 128..255 would turn negative). A mask with values 0..127 that must be small can be written as int8
 * (mode 0) on purpose.
 */
public final class MrcWriter {
    private static final int CHUNK = 1 << 20; // voxels per streamed piece

    private MrcWriter() {
    }

    /** A float volume, mode 2, at the origin with its voxel size (no input tomogram to place it by). */
    public static void write(Path file, Volume v) {
        write(file, NdData.float32(v.data(), v.nz(), v.ny(), v.nx()), Geometry.of(v.voxelSize()), null);
    }

    /** {@link #write(Path, NdData, Geometry, String)} at the origin, without a command in the label. */
    public static void write(Path file, NdData data, float[] voxelSize) {
        write(file, data, Geometry.of(voxelSize), null);
    }

    /**
     * A 3-D array {@code (nz, ny, nx)} of float32, int8, int16, uint8 or uint16 (mode chosen as in the class comment).
     *
     * @param geometry voxel size, origin and start, copied from the input tomogram so that the output overlays it
     * @param command  the command that wrote it, for the header label (null: none named)
     */
    public static void write(Path file, NdData data, Geometry geometry, String command) {
        write(file, data, modeOf(data.type()), geometry, command, OutputSink.NONE);
    }

    /** {@link #write(Path, NdData, Geometry, String)}, an output of the run of {@code outputs}. */
    public static void write(Path file, NdData data, Geometry geometry, String command, OutputSink outputs) {
        write(file, data, modeOf(data.type()), geometry, command, outputs);
    }

    /**
     * A float32 array stored as mode 12 (float16, as RELION and mrcfile write it): half the disk, about three
     * significant digits, values beyond ±65504 become infinite.
     */
    public static void writeFloat16(Path file, NdData data, Geometry geometry, String command) {
        writeFloat16(file, data, geometry, command, OutputSink.NONE);
    }

    /** {@link #writeFloat16(Path, NdData, Geometry, String)}, an output of the run of {@code outputs}. */
    public static void writeFloat16(Path file, NdData data, Geometry geometry, String command, OutputSink outputs) {
        if (data.type() != ElementType.FLOAT32) {
            throw new IllegalArgumentException("float16 MRC needs float32 data, got " + data.type().numpyName());
        }
        write(file, data, 12, geometry, command, outputs);
    }

    private static void write(Path file, NdData data, int mode, Geometry geometry, String command,
            OutputSink outputs) {
        try (Stream out = new Stream(file, data.shape(), data.type(), mode, geometry, command, outputs)) {
            out.append(data);
            out.finish();
        }
    }

    /**
     * Opens {@code file} for a 3-D volume written plane after plane (z order) with {@link Stream#append}: the data go
     * to the file's temporary name as they come, and {@link Stream#finish} writes the header and renames the file
     * into place. The result is the same file {@link #write(Path, NdData, Geometry, String)} writes.
     *
     * @param float16 float32 data stored as mode 12
     * @param outputs where the finished file is noted
     */
    public static Stream stream(Path file, int[] shape, ElementType type, boolean float16, Geometry geometry,
            String command, OutputSink outputs) {
        if (float16 && type != ElementType.FLOAT32) {
            throw new IllegalArgumentException("float16 MRC needs float32 data, got " + type.numpyName());
        }
        return new Stream(file, shape, type, float16 ? 12 : modeOf(type), geometry, command, outputs);
    }

    /**
     * An MRC file being written in z order. The statistics of the header are gathered over pieces of {@link #CHUNK}
     * voxels however the data arrive, so they are bit-identical to a whole-volume write.
     */
    public static final class Stream implements AutoCloseable {
        private final AtomicFile.Pending pending;
        private final FileChannel ch;
        private final int[] shape;
        private final ElementType type;
        private final int mode;
        private final Geometry geometry;
        private final String label;
        private final int width;
        private final long total;
        private final Stats stats = new Stats();
        private final double[] values;
        private final ByteBuffer buf;
        private int buffered;
        private long written;

        private Stream(Path file, int[] shape, ElementType type, int mode, Geometry geometry, String command,
                OutputSink outputs) {
            if (shape.length != 3 || shape[0] <= 0 || shape[1] <= 0 || shape[2] <= 0) {
                throw new IllegalArgumentException("MRC needs a non-empty 3-D (nz, ny, nx) array, got "
                        + java.util.Arrays.toString(shape));
            }
            this.shape = shape.clone();
            this.type = type;
            this.mode = mode;
            this.geometry = geometry;
            this.label = label(command);
            this.width = MrcHeader.bytesPerVoxel(mode);
            this.total = (long) shape[0] * shape[1] * shape[2];
            int piece = (int) Math.min(total, CHUNK);
            this.values = new double[piece];
            this.buf = ByteBuffer.allocate(piece * width).order(ByteOrder.LITTLE_ENDIAN);
            this.pending = AtomicFile.begin(file, outputs);
            try {
                this.ch = FileChannel.open(pending.temporary(), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING);
            } catch (IOException e) {
                pending.close();
                throw cannotWrite(file, e);
            }
        }

        /** The next voxels in file order (x fastest, then y, then z); {@code data}'s own shape does not matter. */
        public void append(NdData data) {
            if (data.type() != type) {
                throw new IllegalArgumentException("MRC stream of " + type.numpyName() + " given "
                        + data.type().numpyName());
            }
            int n = data.size();
            if (written + buffered + n > total) {
                throw new IllegalStateException("more voxels than the volume's " + total);
            }
            for (int off = 0; off < n; ) {
                int len = Math.min(n - off, values.length - buffered);
                if (mode == 12) {
                    encodeFloat16(data.floats(), off, len, buf, values, buffered);
                } else {
                    encode(data, off, len, buf, values, buffered, width);
                }
                buffered += len;
                off += len;
                if (buffered == values.length) {
                    flush();
                }
            }
        }

        /** Writes the header and moves the file into place; every voxel must have been appended. */
        public void finish() {
            if (buffered > 0) {
                flush();
            }
            if (written != total) {
                throw new IllegalStateException(written + " voxels written of " + total);
            }
            ByteBuffer h = stats.nan
                    ? MrcHeader.encode(shape[2], shape[1], shape[0], mode, geometry, label, Double.NaN, Double.NaN,
                            Double.NaN, Double.NaN)
                    : MrcHeader.encode(shape[2], shape[1], shape[0], mode, geometry, label, stats.min, stats.max,
                            stats.mean, stats.std());
            try {
                writeFully(ch, h, 0);
                ch.close();
            } catch (IOException e) {
                throw cannotWrite(pending.target(), e);
            }
            pending.commit();
        }

        private void flush() {
            stats.add(values, buffered);
            buf.position(0).limit(buffered * width);
            try {
                writeFully(ch, buf, MrcHeader.SIZE + written * width);
            } catch (IOException e) {
                throw cannotWrite(pending.target(), e);
            }
            buf.clear();
            written += buffered;
            buffered = 0;
        }

        /** Closes the file; without {@link #finish} the partial file is deleted. */
        @Override
        public void close() {
            try {
                ch.close();
            } catch (IOException ignored) {
                // the temporary file is deleted next, or already committed
            }
            pending.close();
        }
    }

    private static org.cryosiam.CryosiamUserException cannotWrite(Path file, IOException e) {
        return new org.cryosiam.CryosiamUserException(file + ": cannot write (" + e.getMessage() + ").", e);
    }

    /** "cryosiam-jvm VERSION COMMAND DATE": which tool, release and step made the file, as IMOD's labels say. */
    static String label(String command) {
        String when = java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC)
                .format(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'"));
        return "cryosiam-jvm " + org.cryosiam.ProductVersion.get() + (command == null ? "" : " " + command) + " " + when;
    }

    static int modeOf(ElementType t) {
        switch (t) {
            case FLOAT32:
                return 2;
            case INT8:
                return 0;
            case INT16:
                return 1;
            case UINT8:
            case UINT16:
                return 6;
            default:
                throw new IllegalArgumentException("MRC has no mode for " + t.numpyName());
        }
    }

    /**
     * Puts elements off..off+len into {@code buf} (the file's type, {@code w} bytes each) and their values into
     * {@code values}, both from element {@code at} on.
     */
    private static void encode(NdData d, int off, int len, ByteBuffer buf, double[] values, int at, int w) {
        buf.position(at * w);
        switch (d.type()) {
            case FLOAT32: {
                float[] a = d.floats();
                buf.asFloatBuffer().put(a, off, len);
                for (int i = 0; i < len; i++) {
                    values[at + i] = a[off + i];
                }
                break;
            }
            case INT8: {
                byte[] a = d.bytes();
                buf.put(a, off, len);
                for (int i = 0; i < len; i++) {
                    values[at + i] = a[off + i];
                }
                break;
            }
            case UINT8: { // widened to uint16
                byte[] a = d.bytes();
                for (int i = 0; i < len; i++) {
                    int v = a[off + i] & 0xFF;
                    buf.putShort(2 * (at + i), (short) v);
                    values[at + i] = v;
                }
                break;
            }
            case INT16: {
                short[] a = d.shorts();
                buf.asShortBuffer().put(a, off, len);
                for (int i = 0; i < len; i++) {
                    values[at + i] = a[off + i];
                }
                break;
            }
            default: { // UINT16
                short[] a = d.shorts();
                buf.asShortBuffer().put(a, off, len);
                for (int i = 0; i < len; i++) {
                    values[at + i] = a[off + i] & 0xFFFF;
                }
            }
        }
    }

    /** Rounds to float16; the statistics are those of the stored (rounded) values, which mrcfile checks. */
    private static void encodeFloat16(float[] a, int off, int len, ByteBuffer buf, double[] values, int at) {
        for (int i = 0; i < len; i++) {
            short h = Float16.fromFloat(a[off + i]);
            buf.putShort(2 * (at + i), h);
            values[at + i] = Float16.toFloat(h);
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer b, long at) throws IOException {
        while (b.hasRemaining()) {
            at += ch.write(b, at);
        }
    }

    /**
     * Min, max, mean and standard deviation in one pass over pieces (Chan et al.'s pairwise update, stable for large
     * volumes). The header's {@code rms} is the standard deviation, as mrcfile computes and validates it.
     */
    private static final class Stats {
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY, mean;
        double m2;
        long count;
        boolean nan;

        void add(double[] v, int len) {
            double sum = 0;
            for (int i = 0; i < len; i++) {
                double x = v[i];
                sum += x;
                if (x < min) {
                    min = x;
                }
                if (x > max) {
                    max = x;
                }
                nan |= Double.isNaN(x); // NaN voxels make every statistic NaN, as numpy's min/max/mean do
            }
            double pieceMean = sum / len;
            double pieceM2 = 0;
            for (int i = 0; i < len; i++) {
                double d = v[i] - pieceMean;
                pieceM2 += d * d;
            }
            long total = count + len;
            double delta = pieceMean - mean;
            m2 += pieceM2 + delta * delta * count * len / total;
            mean += delta * len / total;
            count = total;
        }

        double std() {
            return Math.sqrt(m2 / count);
        }
    }
}
