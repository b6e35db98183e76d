package org.cryosiam.io.zarr;

import java.io.IOException;

/** Encoded chunks for tests outside this package (the fuzz campaign's seeds). */
public final class ZarrTestChunks {
    private ZarrTestChunks() {
    }

    /** The compressors of {@link #encode}, as a v2 {@code .zarray} names them. */
    public static final String[] COMPRESSORS = {
        "{\"id\": \"blosc\", \"cname\": \"lz4\", \"clevel\": 5, \"shuffle\": 1, \"blocksize\": 0}",
        "{\"id\": \"blosc\", \"cname\": \"zstd\", \"clevel\": 3, \"shuffle\": 2, \"blocksize\": 0}",
        "{\"id\": \"blosc\", \"cname\": \"zlib\", \"clevel\": 3, \"shuffle\": 0, \"blocksize\": 0}",
        "{\"id\": \"zstd\", \"level\": 3}", "{\"id\": \"zlib\", \"level\": 3}", "{\"id\": \"gzip\", \"level\": 3}"};

    /** {@code raw} (float32 elements) encoded with compressor {@code i} of {@link #COMPRESSORS}. */
    public static byte[] encode(int i, byte[] raw) throws IOException {
        ChunkCodec c = switch (i) {
            case 0 -> new Blosc("lz4", 5, 1, 4);
            case 1 -> new Blosc("zstd", 3, 2, 4);
            case 2 -> new Blosc("zlib", 3, 0, 4);
            case 3 -> new ChunkCodec.ZstdCodec(3);
            case 4 -> new ChunkCodec.ZlibCodec(3);
            default -> new ChunkCodec.GzipCodec(3);
        };
        return c.encode(raw);
    }
}
