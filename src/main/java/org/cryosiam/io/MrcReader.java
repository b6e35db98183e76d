package org.cryosiam.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.volume.Volume;

/**
 * Reads MRC/REC files (modes 0, 1, 2, 6, 12, 101; either byte order; extended header skipped). The data is memory
 * mapped in pieces and decoded straight into the result array, so a large tomogram is never held twice as bytes.
 * Mode 0 is read as signed int8, as mrcfile (and so the reference) reads it.
 */
public final class MrcReader {
    /** Bytes mapped at a time: a multiple of every voxel size, well below the 2 GiB limit of one mapping. */
    private static final long MAP_CHUNK = 1L << 28;

    private MrcReader() {
    }

    /** The header alone. */
    public static MrcHeader readHeader(Path file) {
        try (FileChannel ch = open(file)) {
            return header(file, ch);
        } catch (IOException e) {
            throw cannotRead(file, e);
        }
    }

    /** The volume as float32 {@code (nz, ny, nx)} with the header's voxel size. */
    public static Volume read(Path file) {
        MrcData d = readData(file);
        int[] s = d.data().shape();
        return new Volume(d.data().toFloatArray(), s[0], s[1], s[2], d.header().voxelSize());
    }

    /**
     * The voxels in their own type, shape {@code (nz, ny, nx)}: int8 (mode 0), int16 (1), float32 (2 and 12),
     * uint16 (6), uint8 (101). For masks and label maps use {@link NdData#toIntArray()} or the byte/short array.
     */
    public static MrcData readData(Path file) {
        try (FileChannel ch = open(file)) {
            MrcHeader h = header(file, ch); // its size agrees with the file's, so the product below cannot overflow
            long voxels = (long) h.nx() * h.ny() * h.nz();
            if (voxels > Integer.MAX_VALUE - 8) {
                throw new CryosiamUserException(file + ": the volume has " + voxels + " voxels, more than one array "
                        + "can hold (2^31).");
            }
            int[] fileShape = {h.sections(), h.rows(), h.columns()};
            NdData data = h.mode() == 101 ? decode4Bit(ch, h, fileShape)
                    : decodeWhole(ch, h, fileShape, (int) voxels);
            // another axis order (EMDB maps, crystallographic files) is read into (z, y, x), as ChimeraX does
            return new MrcData(h, h.standardAxisOrder() ? data : data.transpose3(h.fileAxesOfZyx()));
        } catch (IOException e) {
            throw cannotRead(file, e);
        }
    }

    /**
     * The volume plane by plane as float32, read from the file when asked (int8, int16, uint16, float32, float16 and
     * 4-bit modes): memory for one plane, not the volume. The header is checked as {@link #read} checks it.
     */
    public static PlaneReader planes(Path file) {
        if (!readHeader(file).standardAxisOrder()) {
            // a plane of z is not contiguous in such a file; these are small maps, read whole and transposed
            MrcData d = readData(file);
            return PlaneReader.of(d.data().toFloatArray(), d.data().shape());
        }
        try {
            FileChannel ch = open(file);
            try {
                return new MrcPlanes(file, ch, header(file, ch));
            } catch (RuntimeException e) {
                ch.close();
                throw e;
            }
        } catch (IOException e) {
            throw cannotRead(file, e);
        }
    }

    private static final class MrcPlanes implements PlaneReader {
        private final Path file;
        private final FileChannel ch;
        private final MrcHeader h;
        private final ByteBuffer raw;

        MrcPlanes(Path file, FileChannel ch, MrcHeader h) {
            this.file = file;
            this.ch = ch;
            this.h = h;
            long rowBytes = h.mode() == 101 ? (h.nx() + 1L) / 2 : (long) h.nx() * MrcHeader.bytesPerVoxel(h.mode());
            this.raw = ByteBuffer.allocate(Math.toIntExact(rowBytes * h.ny())).order(h.byteOrder());
        }

        @Override
        public int[] shape() {
            return new int[] {h.nz(), h.ny(), h.nx()};
        }

        @Override
        public void read(int z, float[] dst) {
            if (z < 0 || z >= h.nz()) {
                throw new IndexOutOfBoundsException("plane " + z + " of " + h.nz());
            }
            raw.clear();
            long at = h.dataOffset() + (long) z * raw.capacity();
            try {
                while (raw.hasRemaining()) {
                    if (ch.read(raw, at + raw.position()) < 0) {
                        throw new IOException("unexpected end of file");
                    }
                }
            } catch (IOException e) {
                throw cannotRead(file, e);
            }
            raw.flip();
            int n = h.ny() * h.nx();
            switch (h.mode()) {
                case 0:
                    for (int i = 0; i < n; i++) {
                        dst[i] = raw.get(i);
                    }
                    break;
                case 1:
                    for (int i = 0; i < n; i++) {
                        dst[i] = raw.getShort(2 * i);
                    }
                    break;
                case 6:
                    for (int i = 0; i < n; i++) {
                        dst[i] = raw.getShort(2 * i) & 0xFFFF;
                    }
                    break;
                case 2:
                    raw.asFloatBuffer().get(dst, 0, n);
                    break;
                case 12:
                    for (int i = 0; i < n; i++) {
                        dst[i] = Float16.toFloat(raw.getShort(2 * i));
                    }
                    break;
                default: { // 101: two voxels per byte, the low nibble first, each row on a new byte
                    int nx = h.nx();
                    int rowBytes = (nx + 1) / 2;
                    for (int y = 0; y < h.ny(); y++) {
                        for (int x = 0; x < nx; x++) {
                            int b = raw.get(y * rowBytes + (x >> 1));
                            dst[y * nx + x] = (x & 1) == 0 ? b & 0x0F : (b >> 4) & 0x0F;
                        }
                    }
                }
            }
        }

        @Override
        public void close() {
            try {
                ch.close();
            } catch (IOException ignored) {
                // read only: nothing to lose
            }
        }
    }

    private static FileChannel open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new CryosiamUserException(file + ": file not found.");
        }
        return FileChannel.open(file, StandardOpenOption.READ);
    }

    private static MrcHeader header(Path file, FileChannel ch) throws IOException {
        if (ch.size() < MrcHeader.SIZE) {
            throw new CryosiamUserException(file + ": not an MRC file (" + ch.size()
                    + " bytes, shorter than the 1024-byte header).");
        }
        ByteBuffer raw = ByteBuffer.allocate(MrcHeader.SIZE);
        while (raw.hasRemaining()) {
            if (ch.read(raw, raw.position()) < 0) {
                break;
            }
        }
        MrcHeader h = MrcHeader.parse(file, raw);
        // the dimensions must describe the file exactly: shorter is truncated, longer means nx/ny/nz are wrong
        long need = h.dataOffset() + h.dataBytes();
        long size = ch.size();
        if (need < 0 || size < need) {
            throw new CryosiamUserException(file + ": truncated MRC file (" + h.nx() + "x" + h.ny() + "x" + h.nz()
                    + " voxels of mode " + h.mode() + " need " + (need < 0 ? "more than 2^63" : need)
                    + " bytes, the file has " + size + ").");
        }
        if (size > need) {
            throw new CryosiamUserException(file + ": invalid MRC header (" + h.nx() + "x" + h.ny() + "x" + h.nz()
                    + " voxels of mode " + h.mode() + " fill " + need + " bytes, but the file has " + size
                    + "; the dimensions do not match the data).");
        }
        return h;
    }

    /** Modes with whole-byte voxels: map consecutive pieces and bulk-copy them through typed views. */
    private static NdData decodeWhole(FileChannel ch, MrcHeader h, int[] shape, int n) throws IOException {
        int mode = h.mode();
        int w = MrcHeader.bytesPerVoxel(mode);
        Object out = mode == 0 ? new byte[n] : (mode == 1 || mode == 6) ? new short[n] : new float[n];
        long start = h.dataOffset();
        int done = 0;
        while (done < n) {
            int len = (int) Math.min(n - done, MAP_CHUNK / w);
            MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_ONLY, start + (long) done * w, (long) len * w);
            m.order(h.byteOrder());
            switch (mode) {
                case 0:
                    m.get((byte[]) out, done, len);
                    break;
                case 1:
                case 6:
                    m.asShortBuffer().get((short[]) out, done, len);
                    break;
                case 2:
                    m.asFloatBuffer().get((float[]) out, done, len);
                    break;
                default: // 12: IEEE half precision
                    float[] f = (float[]) out;
                    for (int i = 0; i < len; i++) {
                        f[done + i] = Float16.toFloat(m.getShort(2 * i));
                    }
            }
            done += len;
        }
        switch (mode) {
            case 0:
                return NdData.int8((byte[]) out, shape);
            case 1:
                return NdData.int16((short[]) out, shape);
            case 6:
                return NdData.uint16((short[]) out, shape);
            default:
                return NdData.float32((float[]) out, shape);
        }
    }

    /** Mode 101: two voxels per byte, the low nibble first; each row starts on a new byte. */
    private static NdData decode4Bit(FileChannel ch, MrcHeader h, int[] shape) throws IOException {
        int nx = h.columns();
        long rowBytes = (nx + 1L) / 2;
        long rows = (long) h.rows() * h.sections();
        byte[] out = new byte[(int) (rows * nx)];
        long rowsPerMap = Math.max(1, MAP_CHUNK / rowBytes);
        for (long r0 = 0; r0 < rows; r0 += rowsPerMap) {
            long nr = Math.min(rowsPerMap, rows - r0);
            MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_ONLY, h.dataOffset() + r0 * rowBytes,
                    nr * rowBytes);
            for (int r = 0; r < nr; r++) {
                int o = (int) ((r0 + r) * nx);
                int base = (int) (r * rowBytes);
                for (int x = 0; x < nx; x++) {
                    int b = m.get(base + (x >> 1));
                    out[o + x] = (byte) ((x & 1) == 0 ? b & 0x0F : (b >> 4) & 0x0F);
                }
            }
        }
        return NdData.uint8(out, shape);
    }

    private static CryosiamUserException cannotRead(Path file, IOException e) {
        return new CryosiamUserException(file + ": cannot read (" + e.getMessage() + ").", e);
    }

    /** A header with its decoded voxels. */
    public record MrcData(MrcHeader header, NdData data) {
    }
}
