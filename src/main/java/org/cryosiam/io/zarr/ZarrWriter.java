package org.cryosiam.io.zarr;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.io.ElementType;
import org.cryosiam.io.Json;
import org.cryosiam.io.NdData;

/**
 * Writes one Zarr v2 array chunk by chunk: little-endian, C order, fill value 0, {@code /} as the dimension separator
 * (what OME-Zarr v0.4 requires), each chunk compressed with Blosc lz4 and byte shuffle, zarr-python's default that
 * every Zarr reader takes. The caller writes into a folder that is renamed when complete (see {@link OmeZarr}).
 */
public final class ZarrWriter {

    private final Path dir;
    private final int[] shape;
    private final int[] chunks;
    private final ZarrDtype dtype;
    private final ChunkCodec codec;

    private ZarrWriter(Path dir, int[] shape, int[] chunks, ZarrDtype dtype, ChunkCodec codec) {
        this.dir = dir;
        this.shape = shape;
        this.chunks = chunks;
        this.dtype = dtype;
        this.codec = codec;
    }

    /**
     * Creates the array's folder and metadata ({@code .zarray}, and {@code .zattrs} when {@code attributes} is not
     * empty); chunks are written by {@link #write}.
     */
    public static ZarrWriter create(Path dir, int[] shape, int[] chunks, ElementType type,
                                    Map<String, Object> attributes) throws IOException {
        if (chunks.length != shape.length) {
            throw new IllegalArgumentException("chunks " + Arrays.toString(chunks) + " for shape "
                    + Arrays.toString(shape));
        }
        ZarrDtype dtype = ZarrDtype.of(type);
        ChunkCodec codec = new Blosc("lz4", 5, 1, dtype.itemSize());
        Files.createDirectories(dir);
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("zarr_format", 2);
        meta.put("shape", list(shape));
        meta.put("chunks", list(chunks));
        meta.put("dtype", dtype.v2Name());
        meta.put("compressor", codec.v2Json());
        meta.put("fill_value", type.floating() ? (Object) 0.0 : (Object) 0);
        meta.put("order", "C");
        meta.put("filters", null);
        meta.put("dimension_separator", "/");
        Files.writeString(dir.resolve(".zarray"), Json.write(meta), StandardCharsets.UTF_8);
        if (!attributes.isEmpty()) {
            Files.writeString(dir.resolve(".zattrs"), Json.write(attributes), StandardCharsets.UTF_8);
        }
        return new ZarrWriter(dir, shape.clone(), chunks.clone(), dtype, codec);
    }

    /** Writes a {@code .zgroup} (Zarr v2 group marker) into {@code dir}, with {@code .zattrs} when not empty. */
    public static void group(Path dir, Map<String, Object> attributes) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(".zgroup"), Json.write(Map.of("zarr_format", 2)), StandardCharsets.UTF_8);
        if (!attributes.isEmpty()) {
            Files.writeString(dir.resolve(".zattrs"), Json.write(attributes), StandardCharsets.UTF_8);
        }
    }

    /**
     * Writes the chunks covered by {@code block}, placed at {@code offset}. The block must start on chunk boundaries
     * and end on one or at the array's end along every axis, so each chunk is written once, whole (e.g. a z-slab as
     * thick as the chunks).
     */
    public void write(int[] offset, NdData block) throws IOException {
        int rank = shape.length;
        int[] size = block.shape();
        if (block.type() != dtype.type() || offset.length != rank || size.length != rank) {
            throw new IllegalArgumentException(block + " at " + Arrays.toString(offset) + " into " + dtype.type()
                    + " " + Arrays.toString(shape));
        }
        int[] first = new int[rank];
        int[] last = new int[rank];
        for (int d = 0; d < rank; d++) {
            int end = offset[d] + size[d];
            if (offset[d] % chunks[d] != 0 || end > shape[d] || (end % chunks[d] != 0 && end != shape[d])) {
                throw new IllegalArgumentException("block " + Arrays.toString(size) + " at "
                        + Arrays.toString(offset) + " is not aligned to chunks " + Arrays.toString(chunks));
            }
            if (size[d] == 0) {
                return;
            }
            first[d] = offset[d] / chunks[d];
            last[d] = (end - 1) / chunks[d];
        }
        Boxes.each(first, last, c -> writeChunk(c, offset, block));
    }

    private void writeChunk(int[] c, int[] offset, NdData block) throws IOException {
        int rank = shape.length;
        int[] size = block.shape();
        long elements = 1;
        for (int k : chunks) {
            elements *= k;
        }
        if (elements * dtype.itemSize() > Integer.MAX_VALUE - 8) {
            throw new CryosiamUserException(dir + ": chunks of " + Arrays.toString(chunks) + " are too large.");
        }
        byte[] raw = new byte[(int) elements * dtype.itemSize()]; // zeros: the fill value of edge padding
        int[] lo = new int[rank];
        int[] hi = new int[rank];
        for (int d = 0; d < rank; d++) {
            lo[d] = c[d] * chunks[d];
            hi[d] = Math.min(lo[d] + chunks[d], shape[d]);
        }
        int run = hi[rank - 1] - lo[rank - 1];
        Boxes.rows(lo, hi, idx -> {
            long src = 0;
            long dst = 0;
            for (int d = 0; d < rank; d++) {
                src = src * size[d] + (idx[d] - offset[d]);
                dst = dst * chunks[d] + (idx[d] - lo[d]);
            }
            dtype.encode(block.data(), (int) src, run, raw, (int) dst * dtype.itemSize());
        });
        StringBuilder key = new StringBuilder();
        for (int d = 0; d < rank; d++) {
            key.append(d == 0 ? "" : "/").append(c[d]);
        }
        Path file = dir.resolve(key.toString());
        Files.createDirectories(file.getParent());
        Files.write(file, codec.encode(raw));
    }

    private static List<Integer> list(int[] a) {
        return Arrays.stream(a).boxed().toList();
    }
}
