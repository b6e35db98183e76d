package org.cryosiam.io.zarr;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32C;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.Inflater;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdException;

/**
 * One bytes-to-bytes stage of a chunk's encoding: a Zarr v2 {@code compressor} or a Zarr v3 bytes-to-bytes codec.
 * Decoding is told the most bytes the result may have, so a corrupt or hostile chunk never makes us allocate more
 * than the chunk's own size.
 */
interface ChunkCodec {
    /** Decodes {@code in}; the result has at most {@code limit} bytes. Corrupt input is an IOException. */
    byte[] decode(byte[] in, int limit) throws IOException;

    byte[] encode(byte[] raw) throws IOException;

    /** The v2 {@code compressor} object (null for a v3-only stage). */
    Map<String, Object> v2Json();

    /** zstd frames (numcodecs {@code zstd}, v3 {@code zstd}). */
    record ZstdCodec(int level) implements ChunkCodec {
        @Override
        public byte[] decode(byte[] in, int limit) throws IOException {
            return zstd(in, 0, in.length, limit);
        }

        @Override
        public byte[] encode(byte[] raw) {
            return Zstd.compress(raw, level);
        }

        @Override
        public Map<String, Object> v2Json() {
            return json("zstd", "level", level);
        }
    }

    /** zlib streams (numcodecs {@code zlib}). */
    record ZlibCodec(int level) implements ChunkCodec {
        @Override
        public byte[] decode(byte[] in, int limit) throws IOException {
            return inflate(in, 0, in.length, limit);
        }

        @Override
        public byte[] encode(byte[] raw) {
            Deflater d = new Deflater(level);
            try {
                d.setInput(raw);
                d.finish();
                ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length / 2 + 64);
                byte[] buf = new byte[65536];
                while (!d.finished()) {
                    out.write(buf, 0, d.deflate(buf));
                }
                return out.toByteArray();
            } finally {
                d.end();
            }
        }

        @Override
        public Map<String, Object> v2Json() {
            return json("zlib", "level", level);
        }
    }

    /** gzip members (numcodecs {@code gzip}, v3 {@code gzip}). */
    record GzipCodec(int level) implements ChunkCodec {
        @Override
        public byte[] decode(byte[] in, int limit) throws IOException {
            try (InputStream s = new GZIPInputStream(new java.io.ByteArrayInputStream(in))) {
                return readAtMost(s, limit);
            } catch (java.util.zip.ZipException e) {
                throw new IOException("corrupt gzip data (" + e.getMessage() + ")");
            }
        }

        @Override
        public byte[] encode(byte[] raw) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length / 2 + 64);
            try (GZIPOutputStream g = new GZIPOutputStream(out) {
                {
                    def.setLevel(level);
                }
            }) {
                g.write(raw);
            }
            return out.toByteArray();
        }

        @Override
        public Map<String, Object> v2Json() {
            return json("gzip", "level", level);
        }
    }

    /** numcodecs {@code lz4}: the decoded size as a little-endian int32, then one LZ4 block. */
    record Lz4Codec() implements ChunkCodec {
        @Override
        public byte[] decode(byte[] in, int limit) throws IOException {
            if (in.length < 4) {
                throw new IOException("an LZ4 chunk shorter than its 4-byte size prefix");
            }
            int n = ByteBuffer.wrap(in).order(ByteOrder.LITTLE_ENDIAN).getInt(0);
            if (n < 0 || n > limit) {
                throw new IOException("an LZ4 chunk announcing " + n + " bytes where at most " + limit + " fit");
            }
            return Blosc.lz4(in, 4, in.length - 4, n);
        }

        @Override
        public byte[] encode(byte[] raw) {
            throw new UnsupportedOperationException("we write Blosc, not bare LZ4");
        }

        @Override
        public Map<String, Object> v2Json() {
            return json("lz4", "acceleration", 1);
        }
    }

    /** Zarr v3 {@code crc32c}: the data followed by its CRC-32C, little-endian; checked on reading. */
    record Crc32cCodec() implements ChunkCodec {
        @Override
        public byte[] decode(byte[] in, int limit) throws IOException {
            if (in.length < 4) {
                throw new IOException("a chunk shorter than its crc32c checksum");
            }
            CRC32C crc = new CRC32C();
            crc.update(in, 0, in.length - 4);
            int stored = ByteBuffer.wrap(in).order(ByteOrder.LITTLE_ENDIAN).getInt(in.length - 4);
            if ((int) crc.getValue() != stored) {
                throw new IOException("the crc32c checksum does not match the data (a damaged chunk)");
            }
            return java.util.Arrays.copyOf(in, in.length - 4);
        }

        @Override
        public byte[] encode(byte[] raw) {
            CRC32C crc = new CRC32C();
            crc.update(raw);
            byte[] out = java.util.Arrays.copyOf(raw, raw.length + 4);
            ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putInt(raw.length, (int) crc.getValue());
            return out;
        }

        @Override
        public Map<String, Object> v2Json() {
            return null;
        }
    }

    private static Map<String, Object> json(String id, String key, Object value) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put(key, value);
        return m;
    }

    /** One or more zstd frames decoded into at most {@code limit} bytes. */
    static byte[] zstd(byte[] in, int off, int len, int limit) throws IOException {
        byte[] out = new byte[limit];
        try {
            long n = Zstd.decompressByteArray(out, 0, limit, in, off, len);
            return n == limit ? out : java.util.Arrays.copyOf(out, (int) n);
        } catch (ZstdException | IllegalArgumentException e) {
            throw new IOException("corrupt zstd data, or more than the " + limit + " bytes a chunk holds ("
                    + e.getMessage() + ")");
        }
    }

    /** A zlib stream decoded into at most {@code limit} bytes. */
    static byte[] inflate(byte[] in, int off, int len, int limit) throws IOException {
        Inflater inf = new Inflater();
        try {
            inf.setInput(in, off, len);
            byte[] out = new byte[limit];
            byte[] probe = new byte[1]; // once full: is there more than a chunk's worth?
            int n = 0;
            while (!inf.finished()) {
                int k = n < limit ? inf.inflate(out, n, limit - n) : inf.inflate(probe);
                if (n == limit && k > 0) {
                    throw new IOException("zlib data decoding to more than the " + limit + " bytes a chunk holds");
                }
                n += k;
                if (k == 0 && !inf.finished() && (inf.needsInput() || inf.needsDictionary())) {
                    throw new IOException("truncated zlib data");
                }
            }
            return n == limit ? out : java.util.Arrays.copyOf(out, n);
        } catch (DataFormatException e) {
            throw new IOException("corrupt zlib data (" + e.getMessage() + ")");
        } finally {
            inf.end();
        }
    }

    /** Reads a stream to its end, refusing more than {@code limit} bytes. */
    static byte[] readAtMost(InputStream s, int limit) throws IOException {
        byte[] out = s.readNBytes(limit);
        if (s.read() >= 0) {
            throw new IOException("compressed data decoding to more than the " + limit + " bytes a chunk holds");
        }
        return out;
    }
}
