package org.cryosiam.io.zarr;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.Deflater;

import com.github.luben.zstd.Zstd;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;

/**
 * Blosc 1 frames, as numcodecs' {@code Blosc} (Zarr's default compressor) and the Zarr v3 {@code blosc} codec write
 * them: a 16-byte header (version, compressor version, flags, type size, then little-endian uint32 decoded size,
 * block size and frame size), then one uint32 offset per block, each block holding one stream per split, each stream
 * a uint32 length and the compressed (or, when the length equals the stream's size, stored) bytes. Flags: 0x01 byte
 * shuffle, 0x02 the whole buffer stored after the header, 0x04 bit shuffle, 0x10 blocks not split, bits 5-7 the
 * compressor (1 lz4/lz4hc, 3 zlib, 4 zstd; 0 blosclz and 2 snappy are refused). Written from c-blosc's
 * README_HEADER.rst; the split and bit-shuffle rules follow c-blosc 1.21 (Debian's), checked against numcodecs.
 *
 * @param cname     the inner compressor we write with (lz4, zstd or zlib; any frame is read)
 * @param clevel    its level
 * @param shuffle   0 none, 1 byte shuffle, 2 bit shuffle
 * @param typesize  bytes per element, the unit of shuffling
 */
record Blosc(String cname, int clevel, int shuffle, int typesize) implements ChunkCodec {
    static final int HEADER = 16;
    private static final int FLAG_SHUFFLE = 0x01;
    private static final int FLAG_MEMCPY = 0x02;
    private static final int FLAG_BITSHUFFLE = 0x04;
    private static final int FLAG_DONT_SPLIT = 0x10;
    /** c-blosc splits a block into one stream per byte of the type only for types up to this size... */
    private static final int MAX_SPLITS = 16;
    /** ...and only when the block has at least this many elements. */
    private static final int MIN_SPLIT_ELEMENTS = 128;
    /** Block size we write (c-blosc picks 32-256 KiB by level; any size reads). */
    private static final int WRITE_BLOCK = 1 << 18;
    private static final LZ4Factory LZ4 = LZ4Factory.safeInstance(); // pure Java, bounds-checked

    @Override
    public Map<String, Object> v2Json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", "blosc");
        m.put("cname", cname);
        m.put("clevel", clevel);
        m.put("shuffle", shuffle);
        m.put("blocksize", 0);
        return m;
    }

    @Override
    public byte[] decode(byte[] in, int limit) throws IOException {
        if (in.length < HEADER) {
            throw new IOException("a Blosc chunk of " + in.length + " bytes, shorter than the 16-byte header");
        }
        ByteBuffer h = ByteBuffer.wrap(in).order(ByteOrder.LITTLE_ENDIAN);
        int version = in[0] & 0xFF;
        int flags = in[2] & 0xFF;
        int ts = in[3] & 0xFF;
        long nbytes = h.getInt(4) & 0xFFFFFFFFL;
        long blocksize = h.getInt(8) & 0xFFFFFFFFL;
        long cbytes = h.getInt(12) & 0xFFFFFFFFL;
        if (version < 1 || version > 2) {
            throw new IOException("Blosc format version " + version + " (only Blosc 1 frames, versions 1-2, are "
                    + "read)");
        }
        if (nbytes > limit) {
            throw new IOException("a Blosc chunk announcing " + nbytes + " bytes where the chunk holds " + limit);
        }
        if (cbytes < HEADER || cbytes > in.length) {
            throw new IOException("a truncated Blosc chunk (the header says " + cbytes + " bytes, the chunk has "
                    + in.length + ")");
        }
        int n = (int) nbytes;
        byte[] out = new byte[n];
        if (n == 0) {
            return out;
        }
        if ((flags & FLAG_MEMCPY) != 0) {
            if (cbytes < HEADER + nbytes) {
                throw new IOException("a truncated stored Blosc chunk");
            }
            System.arraycopy(in, HEADER, out, 0, n);
            return out;
        }
        int compcode = flags >>> 5;
        if (compcode != 1 && compcode != 3 && compcode != 4) {
            throw new IOException("a Blosc chunk compressed with " + (compcode == 0 ? "blosclz" : compcode == 2
                    ? "snappy" : "compressor code " + compcode) + ", which we do not read (lz4, lz4hc, zstd and "
                    + "zlib are read); recompress it, e.g. with numcodecs Blosc(cname='lz4')");
        }
        if (blocksize == 0 || ts == 0) {
            throw new IOException("a Blosc header with block size " + blocksize + " and type size " + ts);
        }
        long nblocks = (nbytes + blocksize - 1) / blocksize;
        if (HEADER + 4 * nblocks > cbytes) {
            throw new IOException("a truncated Blosc chunk (" + nblocks + " block offsets do not fit)");
        }
        int bs = (int) Math.min(blocksize, nbytes);
        byte[] block = new byte[bs];
        for (int j = 0; j < nblocks; j++) {
            int start = (int) ((long) j * blocksize);
            int bsize = Math.min(bs, n - start);
            boolean leftover = bsize < blocksize;
            int nsplits = splits(flags, ts, bsize, leftover);
            int neblock = bsize / nsplits;
            if (neblock * nsplits != bsize) {
                throw new IOException("a Blosc block of " + bsize + " bytes that does not split into " + nsplits
                        + " streams");
            }
            long src = h.getInt(HEADER + 4 * j) & 0xFFFFFFFFL;
            for (int s = 0; s < nsplits; s++) {
                if (src < HEADER || src + 4 > cbytes) {
                    throw new IOException("a Blosc stream offset outside the chunk");
                }
                long csize = h.getInt((int) src) & 0xFFFFFFFFL;
                src += 4;
                if (csize > cbytes - src) {
                    throw new IOException("a Blosc stream of " + csize + " bytes runs past the end of the chunk");
                }
                if (csize == neblock) {
                    System.arraycopy(in, (int) src, block, s * neblock, neblock);
                } else {
                    byte[] d = inner(compcode, in, (int) src, (int) csize, neblock);
                    System.arraycopy(d, 0, block, s * neblock, neblock);
                }
                src += csize;
            }
            if ((flags & FLAG_SHUFFLE) != 0 && ts > 1) {
                byteUnshuffle(block, out, start, bsize, ts);
            } else if ((flags & FLAG_BITSHUFFLE) != 0 && bsize >= ts) {
                bitUnshuffle(block, out, start, bsize, ts);
            } else {
                System.arraycopy(block, 0, out, start, bsize);
            }
        }
        return out;
    }

    @Override
    public byte[] encode(byte[] raw) throws IOException {
        int n = raw.length;
        int ts = Math.max(1, Math.min(255, typesize));
        int blocksize = Math.max(ts, Math.min(n, WRITE_BLOCK / ts * ts));
        int nblocks = n == 0 ? 0 : (n + blocksize - 1) / blocksize;
        int compcode = switch (cname) {
            case "lz4", "lz4hc" -> 1;
            case "zlib" -> 3;
            case "zstd" -> 4;
            default -> throw new IllegalArgumentException("we write Blosc with lz4, zstd or zlib, not " + cname);
        };
        int flags = (compcode << 5) | (shuffle == 1 && ts > 1 ? FLAG_SHUFFLE : 0)
                | (shuffle == 2 ? FLAG_BITSHUFFLE : 0);
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream(n / 2 + 64);
        int[] starts = new int[nblocks];
        int offset0 = HEADER + 4 * nblocks;
        byte[] block = new byte[Math.min(blocksize, n)];
        for (int j = 0; j < nblocks; j++) {
            int start = j * blocksize;
            int bsize = Math.min(blocksize, n - start);
            boolean leftover = bsize < blocksize;
            if ((flags & FLAG_SHUFFLE) != 0) {
                byteShuffle(raw, start, block, bsize, ts);
            } else if ((flags & FLAG_BITSHUFFLE) != 0 && bsize >= ts) {
                bitShuffle(raw, start, block, bsize, ts);
            } else {
                System.arraycopy(raw, start, block, 0, bsize);
            }
            starts[j] = offset0 + body.size();
            int nsplits = splits(flags, ts, bsize, leftover);
            int neblock = bsize / nsplits;
            for (int s = 0; s < nsplits; s++) {
                byte[] c = compress(compcode, block, s * neblock, neblock);
                boolean stored = c.length >= neblock; // incompressible: stored, marked by its full length
                writeInt(body, neblock == 0 ? 0 : stored ? neblock : c.length);
                body.write(stored ? block : c, stored ? s * neblock : 0, stored ? neblock : c.length);
            }
        }
        long total = (long) offset0 + body.size();
        ByteBuffer out;
        if (total >= (long) HEADER + n) { // compression did not pay: store the whole buffer
            out = ByteBuffer.allocate(HEADER + n).order(ByteOrder.LITTLE_ENDIAN);
            header(out, compcode << 5 | FLAG_MEMCPY, ts, n, blocksize, HEADER + n);
            out.put(HEADER, raw);
        } else {
            out = ByteBuffer.allocate((int) total).order(ByteOrder.LITTLE_ENDIAN);
            header(out, flags, ts, n, blocksize, (int) total);
            for (int j = 0; j < nblocks; j++) {
                out.putInt(HEADER + 4 * j, starts[j]);
            }
            out.put(offset0, body.toByteArray());
        }
        return out.array();
    }

    private static void header(ByteBuffer b, int flags, int ts, int nbytes, int blocksize, int cbytes) {
        b.put(0, (byte) 2).put(1, (byte) 1).put(2, (byte) flags).put(3, (byte) ts);
        b.putInt(4, nbytes).putInt(8, blocksize).putInt(12, cbytes);
    }

    private static void writeInt(java.io.ByteArrayOutputStream out, int v) {
        out.write(v);
        out.write(v >>> 8);
        out.write(v >>> 16);
        out.write(v >>> 24);
    }

    /** c-blosc's rule: one stream per byte of the type for full blocks of small types, unless flagged otherwise. */
    private static int splits(int flags, int ts, int bsize, boolean leftover) {
        boolean split = (flags & FLAG_DONT_SPLIT) == 0 && ts <= MAX_SPLITS && bsize / ts >= MIN_SPLIT_ELEMENTS
                && !leftover;
        return split ? ts : 1;
    }

    private byte[] compress(int compcode, byte[] src, int off, int len) {
        if (len == 0) {
            return new byte[0];
        }
        switch (compcode) {
            case 1: {
                var c = "lz4hc".equals(cname) ? LZ4.highCompressor() : LZ4.fastCompressor();
                return c.compress(java.util.Arrays.copyOfRange(src, off, off + len));
            }
            case 4:
                return Zstd.compress(java.util.Arrays.copyOfRange(src, off, off + len), clevel);
            default: {
                Deflater d = new Deflater(clevel);
                try {
                    d.setInput(src, off, len);
                    d.finish();
                    byte[] out = new byte[len + len / 1000 + 64];
                    int k = 0;
                    while (!d.finished() && k < out.length) {
                        k += d.deflate(out, k, out.length - k);
                    }
                    return d.finished() ? java.util.Arrays.copyOf(out, k) : new byte[len]; // stored when larger
                } finally {
                    d.end();
                }
            }
        }
    }

    private static byte[] inner(int compcode, byte[] in, int off, int len, int n) throws IOException {
        byte[] d;
        switch (compcode) {
            case 1:
                return lz4(in, off, len, n);
            case 4:
                d = ChunkCodec.zstd(in, off, len, n);
                break;
            default:
                d = ChunkCodec.inflate(in, off, len, n);
        }
        if (d.length != n) {
            throw new IOException("a Blosc stream decoding to " + d.length + " bytes instead of " + n);
        }
        return d;
    }

    /** One LZ4 block that must decode to exactly {@code n} bytes. */
    static byte[] lz4(byte[] in, int off, int len, int n) throws IOException {
        byte[] out = new byte[n];
        try {
            int got = LZ4.safeDecompressor().decompress(in, off, len, out, 0, n);
            if (got != n) {
                throw new IOException("an LZ4 block decoding to " + got + " bytes instead of " + n);
            }
            return out;
        } catch (LZ4Exception e) {
            throw new IOException("corrupt LZ4 data (" + e.getMessage() + ")");
        }
    }

    /** Byte shuffle: byte j of element i goes to {@code j * count + i}; a partial last element stays in place. */
    static void byteShuffle(byte[] src, int srcOff, byte[] dst, int bsize, int ts) {
        int count = bsize / ts;
        for (int i = 0; i < count; i++) {
            for (int j = 0; j < ts; j++) {
                dst[j * count + i] = src[srcOff + i * ts + j];
            }
        }
        System.arraycopy(src, srcOff + count * ts, dst, count * ts, bsize - count * ts);
    }

    static void byteUnshuffle(byte[] src, byte[] dst, int dstOff, int bsize, int ts) {
        int count = bsize / ts;
        for (int i = 0; i < count; i++) {
            for (int j = 0; j < ts; j++) {
                dst[dstOff + i * ts + j] = src[j * count + i];
            }
        }
        System.arraycopy(src, count * ts, dst, dstOff + count * ts, bsize - count * ts);
    }

    /**
     * Bit shuffle: {@code 8 * ts} rows of {@code count / 8} bytes; row {@code 8 j + k} holds bit k of byte j of every
     * element, element i at bit {@code i % 8} of byte {@code i / 8}. As c-blosc 1.21 does, a block whose element count
     * is not a multiple of 8 is stored as it is, and bytes after the last whole element are copied.
     */
    static void bitShuffle(byte[] src, int srcOff, byte[] dst, int bsize, int ts) {
        int count = bsize / ts;
        if (count % 8 != 0) {
            System.arraycopy(src, srcOff, dst, 0, bsize);
            return;
        }
        int row = count / 8;
        for (int g = 0; g < row; g++) {
            for (int j = 0; j < ts; j++) {
                long x = 0;
                for (int m = 0; m < 8; m++) { // byte j of elements 8g .. 8g+7
                    x |= (src[srcOff + (8 * g + m) * ts + j] & 0xFFL) << (8 * m);
                }
                x = transpose8(x);
                for (int k = 0; k < 8; k++) { // bit k of those bytes: byte g of row 8j+k
                    dst[(8 * j + k) * row + g] = (byte) (x >>> (8 * k));
                }
            }
        }
        System.arraycopy(src, srcOff + count * ts, dst, count * ts, bsize - count * ts);
    }

    static void bitUnshuffle(byte[] src, byte[] dst, int dstOff, int bsize, int ts) {
        int count = bsize / ts;
        if (count % 8 != 0) {
            System.arraycopy(src, 0, dst, dstOff, bsize);
            return;
        }
        int row = count / 8;
        for (int g = 0; g < row; g++) {
            for (int j = 0; j < ts; j++) {
                long x = 0;
                for (int k = 0; k < 8; k++) { // byte g of rows 8j .. 8j+7: bit k of byte j of 8 elements
                    x |= (src[(8 * j + k) * row + g] & 0xFFL) << (8 * k);
                }
                x = transpose8(x);
                for (int m = 0; m < 8; m++) {
                    dst[dstOff + (8 * g + m) * ts + j] = (byte) (x >>> (8 * m));
                }
            }
        }
        System.arraycopy(src, count * ts, dst, dstOff + count * ts, bsize - count * ts);
    }

    /**
     * Transposes the 8×8 bit matrix whose row r is byte r of {@code x} (bit c of it = column c): bit {@code 8r + c}
     * moves to {@code 8c + r}. Three swaps of ever larger blocks (Hacker's Delight, "transpose8").
     */
    static long transpose8(long x) {
        long t = (x ^ (x >>> 7)) & 0x00AA00AA00AA00AAL;
        x = x ^ t ^ (t << 7);
        t = (x ^ (x >>> 14)) & 0x0000CCCC0000CCCCL;
        x = x ^ t ^ (t << 14);
        t = (x ^ (x >>> 28)) & 0x00000000F0F0F0F0L;
        return x ^ t ^ (t << 28);
    }
}
