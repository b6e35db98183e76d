package org.cryosiam.io.zarr;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.io.AtomicFile;
import org.cryosiam.io.ElementType;
import org.cryosiam.io.Geometry;
import org.cryosiam.io.NdData;
import org.cryosiam.io.OutputSink;

/**
 * An OME-Zarr image written plane by plane in z order, with the same files as {@link OmeZarr#write} makes from the
 * whole volume. Each level gathers one row of chunks along z ({@link OmeZarr#CHUNK} planes), writes it, and passes it
 * on halved, pair of planes by pair of planes, to the level below; since the rows hold an even number of planes, no
 * 2×2×2 block of the halving spans two rows, so every level is bit-identical to halving the whole level above.
 * Memory: one row of chunks per level, about 4/3 of level 0's row, never the volume.
 *
 * <p>The levels fill a hidden folder next to the target (removed by {@link #close} or by the next run after a
 * crash), which {@link #finish} moves into place in one rename.
 */
public final class OmeZarrStream implements AutoCloseable {
    private final Path target;
    private final Path work;
    private final ElementType type;
    private final Level top;
    private final OutputSink outputs;

    private OmeZarrStream(Path target, Path work, ElementType type, Level top, OutputSink outputs) {
        this.target = target;
        this.work = work;
        this.type = type;
        this.top = top;
        this.outputs = outputs;
    }

    /**
     * Starts {@code root}: {@code shape} {@code (z, y, x)} of {@code type}, {@code levels} pyramid levels (0 for
     * {@link OmeZarr#autoLevels}), downsampled by mode or mean, placed as {@code geometry} says.
     */
    public static OmeZarrStream open(Path root, int[] shape, ElementType type, Geometry geometry, int levels,
            boolean mode, String name, OutputSink outputs) {
        if (shape.length != 3 || shape[0] < 1 || shape[1] < 1 || shape[2] < 1) {
            throw new IllegalArgumentException("OME-Zarr tomograms are non-empty (z, y, x), got "
                    + java.util.Arrays.toString(shape));
        }
        int n = levels > 0 ? levels : OmeZarr.autoLevels(shape);
        // a hidden name of this process that the next run's clean-up recognises as left behind if we crash
        Path work = AtomicFile.temporary(root.resolveSibling(root.getFileName() + "-levels"));
        try {
            deleteTree(work);
            ZarrWriter.group(work, Map.of("multiscales", List.of(OmeZarr.multiscale(n, geometry, mode, name))));
            Level next = null;
            int[][] shapes = levelShapes(shape, n);
            for (int l = n - 1; l >= 0; l--) {
                int[] s = shapes[l];
                ZarrWriter w = ZarrWriter.create(work.resolve(String.valueOf(l)), s, chunks(s), type, Map.of());
                next = new Level(s, chunks(s)[0], type, w, next, mode);
            }
            return new OmeZarrStream(root, work, type, next, outputs);
        } catch (IOException e) {
            quietlyDelete(work);
            throw new CryosiamUserException(root + ": cannot write (" + e.getMessage() + ").", e);
        }
    }

    /**
     * Bytes the levels' rows hold while an image of {@code shape} and {@code type} is streamed with {@code levels}
     * levels (0 = automatic), plus one chunk being encoded.
     */
    public static long bufferBytes(int[] shape, ElementType type, int levels) {
        int n = levels > 0 ? levels : OmeZarr.autoLevels(shape);
        long bytes = 0;
        for (int[] s : levelShapes(shape, n)) {
            bytes += (long) chunks(s)[0] * s[1] * s[2] * type.bytes();
        }
        int[] c = chunks(shape);
        return bytes + 2L * c[0] * c[1] * c[2] * type.bytes();
    }

    /** The next planes, x fastest then y then z: any number of whole planes, of this image's type. */
    public void append(NdData planes) {
        if (planes.type() != type) {
            throw new IllegalArgumentException(planes + " into an OME-Zarr image of " + type.numpyName());
        }
        try {
            top.append(planes.data(), 0, planes.size());
        } catch (IOException e) {
            throw new CryosiamUserException(target + ": cannot write (" + e.getMessage() + ").", e);
        }
    }

    /** Writes what the levels still hold and moves the image into place; every plane must have been appended. */
    public void finish() {
        try {
            top.finish();
        } catch (IOException e) {
            throw new CryosiamUserException(target + ": cannot write (" + e.getMessage() + ").", e);
        }
        AtomicFile.writeDirectory(target, tmp -> {
            try (DirectoryStream<Path> children = Files.newDirectoryStream(work)) {
                for (Path c : children) {
                    Files.move(c, tmp.resolve(c.getFileName().toString())); // renames within one folder
                }
            }
        }, outputs);
    }

    /** Without {@link #finish}: removes the partial image; nothing carries the target's name. */
    @Override
    public void close() {
        quietlyDelete(work);
    }

    private static int[][] levelShapes(int[] shape, int levels) {
        int[][] out = new int[levels][];
        int[] s = shape.clone();
        for (int l = 0; l < levels; l++) {
            out[l] = s.clone();
            for (int a = 0; a < 3; a++) {
                s[a] = (s[a] + 1) / 2;
            }
        }
        return out;
    }

    /** The chunks {@link OmeZarr#write} uses for a level of this shape. */
    private static int[] chunks(int[] s) {
        return new int[] {Math.min(OmeZarr.CHUNK, Math.max(1, s[0])), Math.min(OmeZarr.CHUNK, Math.max(1, s[1])),
                Math.min(OmeZarr.CHUNK, Math.max(1, s[2]))};
    }

    private static void quietlyDelete(Path p) {
        try {
            deleteTree(p);
        } catch (IOException ignored) {
            // best effort: a hidden temporary name, removed by the next run in this folder
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            try (DirectoryStream<Path> children = Files.newDirectoryStream(p)) {
                for (Path c : children) {
                    deleteTree(c);
                }
            }
        }
        Files.deleteIfExists(p);
    }

    /** One pyramid level: its row of chunks being filled, and the level below. */
    private static final class Level {
        private final int[] shape;
        private final int plane;
        private final int depth;
        private final ElementType type;
        private final ZarrWriter writer;
        private final Level next;
        private final boolean mode;
        private final Object row;
        private int filled; // planes in the row
        private int rowStart; // the row's first plane

        Level(int[] shape, int depth, ElementType type, ZarrWriter writer, Level next, boolean mode) {
            this.shape = shape;
            this.plane = shape[1] * shape[2];
            this.depth = depth;
            this.type = type;
            this.writer = writer;
            this.next = next;
            this.mode = mode;
            this.row = type.newArray(Math.multiplyExact(depth, plane));
        }

        /** Appends {@code n} values of {@code src} from {@code from}: whole planes. */
        void append(Object src, int from, int n) throws IOException {
            if (n % plane != 0) {
                throw new IllegalArgumentException(n + " values are not whole planes of " + plane);
            }
            int at = from;
            int left = n;
            while (left > 0) {
                if (rowStart + filled >= shape[0]) {
                    throw new IllegalArgumentException("more planes than the image's " + shape[0]);
                }
                int take = Math.min(left, (depth - filled) * plane);
                System.arraycopy(src, at, row, filled * plane, take);
                filled += take / plane;
                at += take;
                left -= take;
                if (filled == depth) {
                    flush();
                }
            }
        }

        /** Writes the row's chunks and passes the row on, halved. */
        private void flush() throws IOException {
            if (filled == 0) {
                return;
            }
            Object data = row;
            if (filled < depth) { // the last, shorter row: an array of its own size
                data = type.newArray(filled * plane);
                System.arraycopy(row, 0, data, 0, filled * plane);
            }
            writer.write(new int[] {rowStart, 0, 0}, new NdData(type, new int[] {filled, shape[1], shape[2]}, data));
            if (next != null) {
                for (int z = 0; z < filled; z += 2) {
                    int k = Math.min(2, filled - z);
                    Object pair = type.newArray(k * plane);
                    System.arraycopy(row, z * plane, pair, 0, k * plane);
                    NdData half = Downsample.halve(new NdData(type, new int[] {k, shape[1], shape[2]}, pair), mode);
                    next.append(half.data(), 0, half.size());
                }
            }
            rowStart += filled;
            filled = 0;
        }

        /** Writes the last row of this level and of the levels below. */
        void finish() throws IOException {
            flush();
            if (rowStart != shape[0]) {
                throw new IllegalStateException(rowStart + " of " + shape[0] + " planes were appended");
            }
            if (next != null) {
                next.finish();
            }
        }
    }
}
