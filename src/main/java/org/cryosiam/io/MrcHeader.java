package org.cryosiam.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Set;

import org.cryosiam.CryosiamUserException;

/**
 * The fields of an MRC2014 header that we read or write. Word offsets follow the MRC2014 specification
 * (https://www.ccpem.ac.uk/mrc_format/mrc2014.php): 1024 bytes, then {@code nsymbt} bytes of extended header, then
 * the data with x fastest.
 *
 * <p>{@code nx, ny, nz} and {@code start} are along the spatial axes x, y, z: for a file whose {@code mapc, mapr,
 * maps} is not 1, 2, 3 (e.g. an EMDB map stored 3, 1, 2) they are the header's column, row and section values put in
 * x, y, z order, as ChimeraX and RELION read such maps; {@link #columns()}, {@link #rows()}, {@link #sections()} give
 * the file's own order, which decoding needs.
 *
 * @param nx        voxels along x
 * @param ny        voxels along y
 * @param nz        voxels along z
 * @param mode      data mode (0, 1, 2, 6, 12, 101 are read)
 * @param mx        sampling along x (voxel size = cella / mx)
 * @param cella     cell size in Å, {x, y, z}
 * @param nsymbt    extended header length in bytes
 * @param nversion  format version (20140 for MRC2014)
 * @param byteOrder the file's byte order, from the machine stamp
 * @param origin    origin in Å, {x, y, z} (words 50-52)
 * @param start     the index of the first voxel along x, y, z (nxstart, nystart, nzstart in x, y, z order)
 * @param axisOrder mapc, mapr, maps: the spatial axis (1 = x, 2 = y, 3 = z) of the file's columns, rows, sections
 * @param ispg      space group (0: image stack, 1: volume)
 * @param extType   the extended header's type (word 27, e.g. FEI1, SERI, CCP4; empty when not set)
 */
public record MrcHeader(int nx, int ny, int nz, int mode, int mx, int my, int mz, float[] cella, float dmin,
                        float dmax, float dmean, float rms, int nsymbt, int nversion, ByteOrder byteOrder,
                        float[] origin, int[] start, int[] axisOrder, int ispg, String extType) {
    public static final int SIZE = 1024;
    /** Bytes of one header label. */
    static final int LABEL_SIZE = 80;
    /** Modes this reader decodes. */
    public static final Set<Integer> READ_MODES = Set.of(0, 1, 2, 6, 12, 101);
    /** Modes the MRC2014 standard defines (3 and 4 are complex, not read here). */
    private static final Set<Integer> KNOWN_MODES = Set.of(0, 1, 2, 3, 4, 6, 12, 101);

    /** Voxel size in Å, {x, y, z}: cella / mx per axis (0 where the sampling is not set, as mrcfile gives). */
    public float[] voxelSize() {
        return new float[] {ratio(cella[0], mx), ratio(cella[1], my), ratio(cella[2], mz)};
    }

    /** The file's fastest axis: its columns (nx in the header's words 1-3). */
    public int columns() {
        return spatialSize(axisOrder[0]);
    }

    /** The file's rows. */
    public int rows() {
        return spatialSize(axisOrder[1]);
    }

    /** The file's sections (slowest axis). */
    public int sections() {
        return spatialSize(axisOrder[2]);
    }

    private int spatialSize(int axis) {
        return axis == 1 ? nx : axis == 2 ? ny : nz;
    }

    /** Whether the file stores x fastest, then y, then z (mapc, mapr, maps = 1, 2, 3), as we write. */
    public boolean standardAxisOrder() {
        return axisOrder[0] == 1 && axisOrder[1] == 2 && axisOrder[2] == 3;
    }

    /**
     * The axes of the file's data {@code (sections, rows, columns)} that make {@code (z, y, x)}: the argument of
     * {@link NdData#transpose3} for a file of another axis order.
     */
    public int[] fileAxesOfZyx() {
        int[] from = new int[3];
        for (int f = 0; f < 3; f++) { // file axis f of (sections, rows, columns) runs along axisOrder[2 - f]
            from[3 - axisOrder[2 - f]] = f;
        }
        return from;
    }

    /** Voxel size, origin and start: what an output derived from this volume keeps. */
    public Geometry geometry() {
        return new Geometry(voxelSize(), origin, start);
    }

    private static float ratio(float cell, int m) {
        return m > 0 ? (float) ((double) cell / m) : 0f;
    }

    /**
     * Bytes of voxel data the header announces (Long.MAX_VALUE when that overflows: dimensions no file can hold).
     * Mode 101 packs two voxels per byte, each row padded to a byte.
     */
    public long dataBytes() {
        long rows = (long) rows() * sections(); // both below 2^31: exact
        long rowBytes = mode == 101 ? (columns() + 1L) / 2 : (long) columns() * bytesPerVoxel(mode);
        return rowBytes != 0 && rows > Long.MAX_VALUE / rowBytes ? Long.MAX_VALUE : rows * rowBytes;
    }

    /** Bytes per voxel of a whole-byte mode. */
    static int bytesPerVoxel(int mode) {
        switch (mode) {
            case 0:
                return 1;
            case 1:
            case 6:
            case 12:
                return 2;
            case 2:
                return 4;
            default:
                throw new IllegalArgumentException("mode " + mode);
        }
    }

    /** The offset of the first data byte. */
    public long dataOffset() {
        return SIZE + (long) nsymbt;
    }

    /**
     * Parses the first 1024 bytes of {@code file}. The byte order comes from the machine stamp (bytes 212-215:
     * 0x44 0x44 or 0x44 0x41 little, 0x11 0x11 big); old files without a valid stamp are tried in both orders and the
     * one with sensible dimensions and mode wins.
     */
    static MrcHeader parse(Path file, ByteBuffer raw) {
        int s0 = raw.get(212) & 0xFF, s1 = raw.get(213) & 0xFF;
        ByteOrder order;
        if (s0 == 0x44 && (s1 == 0x44 || s1 == 0x41)) {
            order = ByteOrder.LITTLE_ENDIAN;
        } else if (s0 == 0x11 && s1 == 0x11) {
            order = ByteOrder.BIG_ENDIAN;
        } else if (plausible(raw, ByteOrder.LITTLE_ENDIAN)) {
            order = ByteOrder.LITTLE_ENDIAN;
        } else if (plausible(raw, ByteOrder.BIG_ENDIAN)) {
            order = ByteOrder.BIG_ENDIAN;
        } else {
            throw notMrc(file);
        }
        ByteBuffer b = raw.duplicate().order(order);
        boolean mapTag = b.get(208) == 'M' && b.get(209) == 'A' && b.get(210) == 'P';
        if (!plausible(b, order) && !(mapTag && dimsPositive(b))) {
            throw notMrc(file);
        }
        int mode = b.getInt(12);
        if (!KNOWN_MODES.contains(mode) && !mapTag) {
            throw notMrc(file);
        }
        if (!READ_MODES.contains(mode)) {
            throw new CryosiamUserException(file + ": MRC mode " + mode + " is not supported (supported: 0, 1, 2, 6, "
                    + "12, 101).");
        }
        int nsymbt = b.getInt(92);
        if (nsymbt < 0) {
            throw new CryosiamUserException(file + ": invalid MRC header (negative extended header size "
                    + nsymbt + ").");
        }
        if (!dimsPositive(b)) {
            throw new CryosiamUserException(file + ": invalid MRC header (dimensions " + b.getInt(0) + " x "
                    + b.getInt(4) + " x " + b.getInt(8) + ", all must be at least 1).");
        }
        // mapc/mapr/maps say which axis the columns, rows and sections run along: a permutation of 1, 2, 3
        int[] map = {b.getInt(64), b.getInt(68), b.getInt(72)};
        int[] sorted = map.clone();
        java.util.Arrays.sort(sorted);
        if (sorted[0] != 1 || sorted[1] != 2 || sorted[2] != 3) {
            throw new CryosiamUserException(file + ": invalid MRC header (map order mapc, mapr, maps = " + map[0]
                    + ", " + map[1] + ", " + map[2] + ", not a permutation of 1, 2, 3).");
        }
        // sizes and starts are given per column, row and section; the cell, sampling and origin per x, y, z
        int[] size = new int[3];
        int[] start = new int[3];
        for (int f = 0; f < 3; f++) {
            size[map[f] - 1] = b.getInt(4 * f);
            start[map[f] - 1] = b.getInt(16 + 4 * f);
        }
        byte[] ext = new byte[4];
        b.get(104, ext);
        String extType = new String(ext, java.nio.charset.StandardCharsets.US_ASCII).replaceAll("[^\\x21-\\x7e]", "");
        return new MrcHeader(size[0], size[1], size[2], mode, b.getInt(28), b.getInt(32), b.getInt(36),
                new float[] {b.getFloat(40), b.getFloat(44), b.getFloat(48)}, b.getFloat(76), b.getFloat(80),
                b.getFloat(84), b.getFloat(216), nsymbt, b.getInt(108), order,
                new float[] {b.getFloat(196), b.getFloat(200), b.getFloat(204)}, start, map, b.getInt(88), extType);
    }

    private static boolean dimsPositive(ByteBuffer b) {
        return b.getInt(0) > 0 && b.getInt(4) > 0 && b.getInt(8) > 0;
    }

    /** Positive dimensions below 2^24 and a mode from the standard: what a header in this byte order looks like. */
    private static boolean plausible(ByteBuffer raw, ByteOrder order) {
        ByteBuffer b = raw.duplicate().order(order);
        for (int off = 0; off <= 8; off += 4) {
            int n = b.getInt(off);
            if (n <= 0 || n > (1 << 24)) {
                return false;
            }
        }
        return KNOWN_MODES.contains(b.getInt(12));
    }

    private static CryosiamUserException notMrc(Path file) {
        return new CryosiamUserException(file + ": not an MRC file (the header has no valid dimensions, mode or "
                + "machine stamp).");
    }

    /**
     * Writes a standard little-endian MRC2014 header for a volume without extended header, placed as {@code g} says,
     * with one label (at most 80 ASCII characters; null: no label).
     */
    static ByteBuffer encode(int nx, int ny, int nz, int mode, Geometry g, String label, double dmin, double dmax,
                             double dmean, double rms) {
        float[] voxelSize = g.voxelSize();
        int[] start = g.start();
        float[] origin = g.origin();
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, nx).putInt(4, ny).putInt(8, nz).putInt(12, mode);
        b.putInt(16, start[0]).putInt(20, start[1]).putInt(24, start[2]);
        b.putInt(28, nx).putInt(32, ny).putInt(36, nz);
        b.putFloat(40, (float) ((double) voxelSize[0] * nx));
        b.putFloat(44, (float) ((double) voxelSize[1] * ny));
        b.putFloat(48, (float) ((double) voxelSize[2] * nz));
        b.putFloat(52, 90f).putFloat(56, 90f).putFloat(60, 90f);
        b.putInt(64, 1).putInt(68, 2).putInt(72, 3);
        b.putFloat(76, (float) dmin).putFloat(80, (float) dmax).putFloat(84, (float) dmean);
        b.putInt(88, 1); // ispg 1: a single volume, as mrcfile writes for 3-D data
        b.putInt(92, 0); // nsymbt
        b.putInt(108, 20140); // nversion
        b.putFloat(196, origin[0]).putFloat(200, origin[1]).putFloat(204, origin[2]);
        b.put(208, (byte) 'M').put(209, (byte) 'A').put(210, (byte) 'P').put(211, (byte) ' ');
        b.put(212, (byte) 0x44).put(213, (byte) 0x44); // little-endian machine stamp
        b.putFloat(216, (float) rms);
        if (label != null) {
            // labels are 80 printable ASCII characters, space-padded (what IMOD and mrcfile write and show)
            byte[] text = label.replaceAll("[^\\x20-\\x7e]", "?").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            b.putInt(220, 1);
            for (int i = 0; i < LABEL_SIZE; i++) {
                b.put(224 + i, i < text.length ? text[i] : (byte) ' ');
            }
        }
        return b;
    }
}
