package org.cryosiam.io.zarr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.UserErrors;
import org.cryosiam.io.ElementType;
import org.cryosiam.io.NdData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Zarr layer on hand-made bytes with known answers: Blosc frames, codecs, v2/v3 metadata, region reads. */
class ZarrFormatTest {
    @TempDir
    Path dir;

    /**
     * A v3 array's zarr.json: a regular grid, the given chunk key encoding and codecs (JSON text), no attributes.
     *
     * @param keys the chunk_key_encoding object, e.g. {@code {"name": "default"}}
     */
    static String v3Array(String shape, String dataType, String chunkShape, String keys, String fill, String codecs) {
        return "{\"zarr_format\": 3, \"node_type\": \"array\", \"shape\": " + shape + ", \"data_type\": \""
                + dataType + "\", \"chunk_grid\": {\"name\": \"regular\", \"configuration\": {\"chunk_shape\": "
                + chunkShape + "}}, \"chunk_key_encoding\": " + keys + ", \"fill_value\": " + fill
                + ", \"codecs\": " + codecs + "}";
    }

    /** A Blosc 1 header: version 2, compressor version 1. */
    private static ByteBuffer frame(int size, int flags, int typesize, int nbytes, int blocksize) {
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0, (byte) 2).put(1, (byte) 1).put(2, (byte) flags).put(3, (byte) typesize);
        b.putInt(4, nbytes).putInt(8, blocksize).putInt(12, size);
        return b;
    }

    @Test
    void bloscStoredFrame() throws IOException {
        ByteBuffer b = frame(24, 0x02 | 1 << 5, 4, 8, 8);
        byte[] payload = {1, 2, 3, 4, 5, 6, 7, 8};
        b.put(16, payload);
        assertArrayEquals(payload, new Blosc("lz4", 5, 1, 4).decode(b.array(), 8));
    }

    @Test
    void bloscByteShuffleOfStoredStream() throws IOException {
        // four little-endian uint16 0x0102, 0x0304, 0x0506, 0x0708; shuffled: all low bytes, then all high bytes
        ByteBuffer b = frame(32, 0x01 | 1 << 5, 2, 8, 8);
        b.putInt(16, 20); // the one block starts after the offset table
        b.putInt(20, 8); // stream length = block size: stored as is
        b.put(24, new byte[] {2, 4, 6, 8, 1, 3, 5, 7});
        assertArrayEquals(new byte[] {2, 1, 4, 3, 6, 5, 8, 7}, new Blosc("lz4", 5, 1, 2).decode(b.array(), 8));
    }

    @Test
    void bloscBitShuffleRowsHoldOneBitOfEveryElement() throws IOException {
        // eight uint8 elements 0xFF, 0, ..., 0: each of the 8 bit rows has element 0's bit set -> bytes of 0x01
        byte[] elements = {(byte) 0xFF, 0, 0, 0, 0, 0, 0, 0};
        byte[] rows = {1, 1, 1, 1, 1, 1, 1, 1};
        byte[] shuffled = new byte[8];
        Blosc.bitShuffle(elements, 0, shuffled, 8, 1);
        assertArrayEquals(rows, shuffled);
        // eight ones: row 0 (bit 0) holds all eight elements
        byte[] ones = {1, 1, 1, 1, 1, 1, 1, 1};
        Blosc.bitShuffle(ones, 0, shuffled, 8, 1);
        assertArrayEquals(new byte[] {(byte) 0xFF, 0, 0, 0, 0, 0, 0, 0}, shuffled);
        ByteBuffer b = frame(32, 0x04 | 1 << 5, 1, 8, 8);
        b.putInt(16, 20).putInt(20, 8).put(24, rows);
        assertArrayEquals(elements, new Blosc("lz4", 5, 2, 1).decode(b.array(), 8));
    }

    @Test
    void bloscRoundTripsEveryCompressorAndShuffle() throws IOException {
        Random rnd = new Random(3);
        // 70001 floats: several 256 KiB blocks, a short last block and a byte past the last whole element
        byte[] raw = new byte[70001 * 4 + 1];
        ByteBuffer bb = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 70001; i++) {
            bb.putFloat(4 * i, (float) Math.round(rnd.nextGaussian() * 100) / 8f);
        }
        for (String cname : new String[] {"lz4", "lz4hc", "zstd", "zlib"}) {
            for (int shuffle = 0; shuffle <= 2; shuffle++) {
                Blosc c = new Blosc(cname, 5, shuffle, 4);
                byte[] enc = c.encode(raw);
                assertTrue(enc.length < raw.length, cname + " " + shuffle + " compresses");
                assertArrayEquals(raw, c.decode(enc, raw.length), cname + " shuffle " + shuffle);
            }
        }
        byte[] noise = new byte[1000];
        rnd.nextBytes(noise);
        byte[] stored = new Blosc("lz4", 5, 1, 4).encode(noise);
        assertEquals(0x02, stored[2] & 0x02, "incompressible data is stored");
        assertArrayEquals(noise, new Blosc("lz4", 5, 1, 4).decode(stored, 1000));
    }

    @Test
    void bloscRefusesDamageAndUnknownCompressors() throws IOException {
        byte[] raw = new byte[4096];
        byte[] enc = new Blosc("lz4", 5, 1, 4).encode(raw);
        Blosc c = new Blosc("lz4", 5, 1, 4);
        assertTrue(assertThrows(IOException.class, () -> c.decode(enc, 100)).getMessage().contains("4096"));
        byte[] cut = java.util.Arrays.copyOf(enc, enc.length - 3);
        assertTrue(assertThrows(IOException.class, () -> c.decode(cut, 4096)).getMessage().contains("truncated"));
        byte[] blosclz = enc.clone();
        blosclz[2] = (byte) (blosclz[2] & 0x1F); // compressor code 0
        assertTrue(assertThrows(IOException.class, () -> c.decode(blosclz, 4096)).getMessage()
                .contains("blosclz"));
        byte[] wildOffset = enc.clone();
        ByteBuffer.wrap(wildOffset).order(ByteOrder.LITTLE_ENDIAN).putInt(16, 1 << 30);
        assertThrows(IOException.class, () -> c.decode(wildOffset, 4096));
    }

    @Test
    void otherCodecsRoundTripAndBoundTheirOutput() throws IOException {
        byte[] raw = new byte[5000];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = (byte) (i % 7);
        }
        ChunkCodec[] codecs = {new ChunkCodec.ZstdCodec(3), new ChunkCodec.ZlibCodec(5),
                new ChunkCodec.GzipCodec(5), new ChunkCodec.Crc32cCodec()};
        for (ChunkCodec c : codecs) {
            byte[] enc = c.encode(raw);
            assertArrayEquals(raw, c.decode(enc, raw.length), c.toString());
            if (!(c instanceof ChunkCodec.Crc32cCodec)) {
                assertThrows(IOException.class, () -> c.decode(enc, raw.length - 1), c + " over the limit");
            }
        }
        byte[] crc = new ChunkCodec.Crc32cCodec().encode(raw);
        crc[10] ^= 1;
        assertTrue(assertThrows(IOException.class, () -> new ChunkCodec.Crc32cCodec().decode(crc, 5000))
                .getMessage().contains("crc32c"));
    }

    @Test
    void halfPrecisionValues() {
        assertEquals(1.0f, ZarrDtype.halfToFloat((short) 0x3C00));
        assertEquals(-2.0f, ZarrDtype.halfToFloat((short) 0xC000));
        assertEquals(65504f, ZarrDtype.halfToFloat((short) 0x7BFF));
        assertEquals(0x1p-24f, ZarrDtype.halfToFloat((short) 0x0001));
        assertEquals(Float.NEGATIVE_INFINITY, ZarrDtype.halfToFloat((short) 0xFC00));
        assertTrue(Float.isNaN(ZarrDtype.halfToFloat((short) 0x7E00)));
    }

    /** 5×6×7 int32 with value = flat index, written in 2×4×3 chunks (edge chunks padded). */
    private NdData counting() {
        int[] v = new int[5 * 6 * 7];
        for (int i = 0; i < v.length; i++) {
            v[i] = i;
        }
        return NdData.int32(v, 5, 6, 7);
    }

    @Test
    void writtenArrayReadsBackByRegion() throws IOException {
        Path a = dir.resolve("a");
        ZarrWriter w = ZarrWriter.create(a, new int[] {5, 6, 7}, new int[] {2, 4, 3}, ElementType.INT32,
                Map.of("k", "v"));
        w.write(new int[3], counting());
        assertTrue(Files.isRegularFile(a.resolve("2/1/2")), "'/' separated chunk keys, edge chunk 2/1/2");
        ZarrArray r = ZarrArray.open(a);
        assertArrayEquals(new int[] {5, 6, 7}, r.shape());
        assertEquals("v", r.attributes().get("k"));
        assertArrayEquals(counting().ints(), r.readAll().ints());
        NdData box = r.read(new int[] {1, 2, 3}, new int[] {3, 3, 4});
        assertArrayEquals(new int[] {3, 3, 4}, box.shape());
        for (int z = 0; z < 3; z++) {
            for (int y = 0; y < 3; y++) {
                for (int x = 0; x < 4; x++) {
                    assertEquals(((1 + z) * 6 + 2 + y) * 7 + 3 + x, box.ints()[(z * 3 + y) * 4 + x]);
                }
            }
        }
        // slab by slab, as a streaming reader would
        NdData slab = r.read(new int[] {4, 0, 0}, new int[] {1, 6, 7});
        assertEquals(4 * 42 + 41, slab.ints()[41]);
    }

    @Test
    void slabWritesMustCoverWholeChunks() throws IOException {
        ZarrWriter w = ZarrWriter.create(dir.resolve("b"), new int[] {5, 6, 7}, new int[] {2, 4, 3},
                ElementType.INT32, Map.of());
        int[] v = new int[2 * 6 * 7];
        w.write(new int[] {2, 0, 0}, NdData.int32(v, 2, 6, 7));
        w.write(new int[] {4, 0, 0}, NdData.int32(new int[42], 1, 6, 7)); // the last, partial slab
        assertThrows(IllegalArgumentException.class, () -> w.write(new int[] {1, 0, 0}, NdData.int32(v, 2, 6, 7)));
    }

    /** A hand-written v2 array: '.' keys, big-endian int16, zlib, fill value 7 for a missing chunk. */
    @Test
    void handMadeV2BigEndianZlibWithFill() throws IOException {
        Path a = Files.createDirectories(dir.resolve("v2.zarr"));
        Files.writeString(a.resolve(".zarray"), "{\"zarr_format\": 2, \"shape\": [2, 3], \"chunks\": [2, 2], "
                + "\"dtype\": \">i2\", \"compressor\": {\"id\": \"zlib\", \"level\": 1}, \"fill_value\": 7, "
                + "\"order\": \"C\", \"filters\": null}");
        ByteBuffer c = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN);
        c.putShort((short) -1).putShort((short) 300).putShort((short) 2).putShort((short) 4);
        Files.write(a.resolve("0.0"), new ChunkCodec.ZlibCodec(1).encode(c.array()));
        NdData d = ZarrArray.open(a).readAll();
        assertEquals(ElementType.INT16, d.type());
        assertArrayEquals(new short[] {-1, 300, 7, 2, 4, 7}, d.shorts());
    }

    /** A hand-written v3 array: default keys, big-endian float32, gzip then crc32c, "NaN" fill. */
    @Test
    void handMadeV3() throws IOException {
        Path a = Files.createDirectories(dir.resolve("v3.zarr"));
        Files.writeString(a.resolve("zarr.json"), v3Array("[3, 2]", "float32", "[2, 2]",
                "{\"name\": \"default\", \"configuration\": {\"separator\": \"/\"}}", "\"NaN\"",
                "[{\"name\": \"transpose\", \"configuration\": {\"order\": [0, 1]}}, "
                + "{\"name\": \"bytes\", \"configuration\": {\"endian\": \"big\"}}, "
                + "{\"name\": \"gzip\", \"configuration\": {\"level\": 5}}, {\"name\": \"crc32c\"}]"));
        ByteBuffer c = ByteBuffer.allocate(16).order(ByteOrder.BIG_ENDIAN);
        c.putFloat(1.5f).putFloat(-2f).putFloat(0.25f).putFloat(1e6f);
        byte[] enc = new ChunkCodec.Crc32cCodec().encode(new ChunkCodec.GzipCodec(5).encode(c.array()));
        Files.createDirectories(a.resolve("c/0"));
        Files.write(a.resolve("c/0/0"), enc);
        ZarrArray r = ZarrArray.open(a);
        assertEquals(3, r.zarrFormat());
        float[] f = r.readAll().floats();
        assertArrayEquals(new float[] {1.5f, -2f, 0.25f, 1e6f}, java.util.Arrays.copyOf(f, 4));
        assertTrue(Float.isNaN(f[4]) && Float.isNaN(f[5]), "missing chunk -> NaN fill");
    }

    /** A hand-written v3 array with the v2 chunk key encoding ('.' keys, no "c" prefix) and the zstd codec. */
    @Test
    void handMadeV3WithV2KeysAndZstd() throws IOException {
        Path a = Files.createDirectories(dir.resolve("v3v2.zarr"));
        Files.writeString(a.resolve("zarr.json"), v3Array("[2, 3]", "uint16", "[1, 3]",
                "{\"name\": \"v2\", \"configuration\": {\"separator\": \".\"}}", "9",
                "[{\"name\": \"bytes\", \"configuration\": {\"endian\": \"little\"}}, "
                + "{\"name\": \"zstd\", \"configuration\": {\"level\": 0, \"checksum\": false}}]"));
        ByteBuffer c = ByteBuffer.allocate(6).order(ByteOrder.LITTLE_ENDIAN);
        c.putShort((short) 1).putShort((short) 65535).putShort((short) 300);
        Files.write(a.resolve("1.0"), new ChunkCodec.ZstdCodec(3).encode(c.array()));
        NdData d = ZarrArray.open(a).readAll();
        assertEquals(ElementType.UINT16, d.type());
        assertArrayEquals(new double[] {9, 9, 9, 1, 65535, 300}, d.toDoubleArray(), "row 0 missing: fill 9");
    }

    @Test
    void badMetadataIsOneSentenceNamingTheFile() throws IOException {
        Path a = Files.createDirectories(dir.resolve("bad.zarr"));
        Path meta = a.resolve(".zarray");
        String base = "{\"zarr_format\": 2, \"shape\": [4], \"chunks\": [4], \"dtype\": \"<f4\", "
                + "\"fill_value\": 0, \"order\": \"C\", \"filters\": null, ";
        Files.writeString(meta, base + "\"compressor\": {\"id\": \"bz2\"}}");
        UserErrors.assertNames(assertThrows(CryosiamUserException.class, () -> ZarrArray.open(a)), meta, "bz2");
        Files.writeString(meta, base.replace("<f4", "<c8") + "\"compressor\": null}");
        UserErrors.assertNames(assertThrows(CryosiamUserException.class, () -> ZarrArray.open(a)), meta, "<c8");
        Files.writeString(meta, base.replace("\"chunks\": [4]", "\"chunks\": [4, 4]") + "\"compressor\": null}");
        UserErrors.assertNames(assertThrows(CryosiamUserException.class, () -> ZarrArray.open(a)), meta, "rank");
        Files.writeString(meta, "{\"zarr_format\": 2, \"shape\": [4]");
        UserErrors.assertNames(assertThrows(CryosiamUserException.class, () -> ZarrArray.open(a)), meta, "JSON");
        Files.writeString(meta, base + "\"compressor\": {\"id\": \"zstd\"}}");
        Files.write(a.resolve("0"), "not zstd at all".getBytes(StandardCharsets.US_ASCII));
        UserErrors.assertNames(assertThrows(CryosiamUserException.class, () -> ZarrArray.open(a).readAll()),
                a.resolve("0"), "damaged Zarr chunk");
        Path v3 = Files.createDirectories(dir.resolve("t.zarr"));
        Files.writeString(v3.resolve("zarr.json"), v3Array("[2, 2]", "uint8", "[2, 2]", "{\"name\": \"default\"}", "0",
                "[{\"name\": \"transpose\", \"configuration\": {\"order\": [1, 0]}}, {\"name\": \"bytes\"}]"));
        UserErrors.assertNames(assertThrows(CryosiamUserException.class, () -> ZarrArray.open(v3)),
                v3.resolve("zarr.json"), "transpose");
    }
}
