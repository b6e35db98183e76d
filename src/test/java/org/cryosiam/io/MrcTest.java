package org.cryosiam.io;

import org.cryosiam.Python;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.volume.Volume;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MrcTest {
    @TempDir
    Path dir;

    /** A raw MRC file built byte by byte, independent of {@link MrcHeader}. */
    static byte[] rawMrc(ByteOrder order, int nx, int ny, int nz, int mode, int nsymbt, float[] voxel, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(1024 + nsymbt + data.length).order(order);
        b.putInt(0, nx).putInt(4, ny).putInt(8, nz).putInt(12, mode);
        b.putInt(28, nx).putInt(32, ny).putInt(36, nz);
        b.putFloat(40, voxel[0] * nx).putFloat(44, voxel[1] * ny).putFloat(48, voxel[2] * nz);
        b.putFloat(52, 90).putFloat(56, 90).putFloat(60, 90);
        b.putInt(64, 1).putInt(68, 2).putInt(72, 3);
        b.putInt(88, 1).putInt(92, nsymbt).putInt(108, 20140);
        if (nsymbt > 0) {
            b.put(104, (byte) 'M').put(105, (byte) 'R').put(106, (byte) 'C').put(107, (byte) 'O');
            for (int i = 0; i < nsymbt; i++) {
                b.put(1024 + i, (byte) 0x7F); // junk that must not leak into the voxels
            }
        }
        b.put(208, (byte) 'M').put(209, (byte) 'A').put(210, (byte) 'P').put(211, (byte) ' ');
        byte stamp = order == ByteOrder.BIG_ENDIAN ? (byte) 0x11 : (byte) 0x44;
        b.put(212, stamp).put(213, stamp);
        b.position(1024 + nsymbt);
        b.put(data);
        return b.array();
    }

    private Path file(String name, byte[] content) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, content);
        return p;
    }

    @Test
    void bigEndianFloatWithExtendedHeader() throws IOException {
        ByteBuffer d = ByteBuffer.allocate(3 * 2 * 1 * 4).order(ByteOrder.BIG_ENDIAN);
        for (int i = 0; i < 6; i++) {
            d.putFloat(i * 1.5f - 2f);
        }
        Path p = file("be.mrc", rawMrc(ByteOrder.BIG_ENDIAN, 3, 2, 1, 2, 256, new float[] {2f, 3f, 4f}, d.array()));
        Volume v = MrcReader.read(p);
        assertArrayEquals(new int[] {1, 2, 3}, v.shape());
        assertArrayEquals(new float[] {-2f, -0.5f, 1f, 2.5f, 4f, 5.5f}, v.data());
        assertArrayEquals(new float[] {2f, 3f, 4f}, v.voxelSize());
        assertEquals(ByteOrder.BIG_ENDIAN, MrcReader.readHeader(p).byteOrder());
        // mrcfile agrees on the hand-built file
        assertEquals("(1, 2, 3) [-2.0, -0.5, 1.0, 2.5, 4.0, 5.5]", Python.run("import sys, mrcfile\n"
                + "m = mrcfile.open(sys.argv[1], permissive=True)\n"
                + "print(m.data.shape, m.data.ravel().tolist())", p));
    }

    @Test
    void everyIntegerModeAndHalfFloat() throws IOException {
        byte[] i8 = {-128, -1, 0, 127, 5, 6};
        assertArrayEquals(new float[] {-128, -1, 0, 127, 5, 6},
                MrcReader.read(file("m0.mrc", rawMrc(ByteOrder.LITTLE_ENDIAN, 2, 3, 1, 0, 0, ones(), i8))).data());
        ByteBuffer s = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putShort((short) -2).putShort((short) 300);
        assertArrayEquals(new float[] {-2, 300},
                MrcReader.read(file("m1.mrc", rawMrc(ByteOrder.LITTLE_ENDIAN, 2, 1, 1, 1, 0, ones(), s.array())))
                        .data());
        ByteBuffer u = ByteBuffer.allocate(4).order(ByteOrder.BIG_ENDIAN).putShort((short) 65535).putShort((short) 7);
        Path m6 = file("m6.mrc", rawMrc(ByteOrder.BIG_ENDIAN, 1, 1, 2, 6, 0, ones(), u.array()));
        assertArrayEquals(new float[] {65535, 7}, MrcReader.read(m6).data());
        assertEquals(ElementType.UINT16, MrcReader.readData(m6).data().type());
        // float16: 1.0 = 0x3C00, -2.5 = 0xC100, 65504 = 0x7BFF, smallest subnormal 0x0001, +inf 0x7C00
        ByteBuffer h = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
        for (int bits : new int[] {0x3C00, 0xC100, 0x7BFF, 0x0001, 0x7C00}) {
            h.putShort((short) bits);
        }
        assertArrayEquals(new float[] {1f, -2.5f, 65504f, 5.9604645e-8f, Float.POSITIVE_INFINITY},
                MrcReader.read(file("m12.mrc", rawMrc(ByteOrder.LITTLE_ENDIAN, 5, 1, 1, 12, 0, ones(), h.array())))
                        .data());
    }

    @Test
    void mode101PacksTwoVoxelsPerByteWithPaddedRows() throws IOException {
        // nx = 3: each row takes 2 bytes; low nibble is the first voxel
        byte[] packed = {(byte) 0x21, (byte) 0x03, (byte) 0xF4, (byte) 0x0A};
        Path p = file("m101.mrc", rawMrc(ByteOrder.LITTLE_ENDIAN, 3, 2, 1, 101, 0, ones(), packed));
        MrcReader.MrcData d = MrcReader.readData(p);
        assertEquals(ElementType.UINT8, d.data().type());
        assertArrayEquals(new byte[] {1, 2, 3, 4, 15, 10}, d.data().bytes());
    }

    @Test
    void oneVoxelAndOddSizesRoundTrip() {
        Volume one = new Volume(new float[] {-7.25f}, 1, 1, 1, new float[] {13.48f, 13.48f, 13.48f});
        Path p1 = dir.resolve("one.mrc");
        MrcWriter.write(p1, one);
        assertArrayEquals(one.data(), MrcReader.read(p1).data());
        float[] v = new float[5 * 7 * 3];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) Math.sin(i) * 100;
        }
        Volume odd = new Volume(v, 5, 7, 3, new float[] {1.5f, 2.5f, 3.5f});
        Path p = dir.resolve("odd.mrc");
        MrcWriter.write(p, odd);
        Volume back = MrcReader.read(p);
        assertArrayEquals(odd.shape(), back.shape());
        assertArrayEquals(v, back.data());
        assertArrayEquals(new float[] {1.5f, 2.5f, 3.5f}, back.voxelSize(), 1e-6f);
    }

    @Test
    void mrcfileValidatesAndReadsWhatWeWrite() {
        float[] v = new float[4 * 3 * 5];
        for (int i = 0; i < v.length; i++) {
            v[i] = i * 0.25f - 3f;
        }
        Path f = dir.resolve("f.mrc");
        MrcWriter.write(f, new Volume(v, 4, 3, 5, new float[] {13.48f, 13.48f, 13.48f}));
        byte[] u8 = new byte[4 * 3 * 5];
        for (int i = 0; i < u8.length; i++) {
            u8[i] = (byte) (i * 4);
        }
        Path m = dir.resolve("mask_u8.mrc");
        MrcWriter.write(m, NdData.uint8(u8, 4, 3, 5), new float[] {2f, 2f, 2f});
        Path i8 = dir.resolve("mask_i8.mrc");
        MrcWriter.write(i8, NdData.int8(new byte[] {0, 1, 127, -1}, 1, 2, 2), new float[] {1f, 1f, 1f});
        Path u16 = dir.resolve("u16.mrc");
        MrcWriter.write(u16, NdData.uint16(new short[] {0, (short) 65535, 9}, 3, 1, 1), new float[] {1f, 2f, 3f});
        String script = "import sys, io, mrcfile, numpy as np\n"
                + "for p in sys.argv[1:]:\n"
                + "    out = io.StringIO()\n"
                + "    ok = mrcfile.validate(p, print_file=out)\n"
                + "    with mrcfile.open(p) as m:\n"
                + "        d = m.data\n"
                + "        vs = m.voxel_size\n"
                + "        print(ok, m.header.mode, d.dtype, d.shape, round(float(vs.x), 4), round(float(vs.y), 4), round(float(vs.z), 4),"
                + " int(d.min()), int(d.max()), repr(float(d.ravel()[-1])))\n"
                + "    if not ok:\n"
                + "        print(out.getvalue())\n";
        String[] lines = Python.run(script, f, m, i8, u16).split("\n");
        assertEquals(4, lines.length, String.join("\n", lines));
        assertEquals("True 2 float32 (4, 3, 5) 13.48 13.48 13.48 -3 11 11.75", lines[0]);
        assertEquals("True 6 uint16 (4, 3, 5) 2.0 2.0 2.0 0 236 236.0", lines[1]);
        assertEquals("True 0 int8 (1, 2, 2) 1.0 1.0 1.0 -1 127 -1.0", lines[2]);
        assertEquals("True 6 uint16 (3, 1, 1) 1.0 2.0 3.0 0 65535 9.0", lines[3]);
    }

    @Test
    void readsWhatMrcfileWrites() {
        Path dirPy = dir;
        Python.run("import sys, os, mrcfile, numpy as np\n"
                + "d = sys.argv[1]\n"
                + "for name, dt in [('i8', np.int8), ('i16', np.int16), ('f32', np.float32), ('u16', np.uint16),"
                + " ('f16', np.float16), ('u8', np.uint8)]:\n"
                + "    a = (np.arange(2 * 3 * 4) * 3 - (0 if dt in (np.uint16, np.uint8) else 20)).astype(dt).reshape(2, 3, 4)\n"
                + "    with mrcfile.new(os.path.join(d, name + '.mrc'), overwrite=True) as m:\n"
                + "        m.set_data(a)\n"
                + "        m.voxel_size = (1.5, 2.5, 3.5)\n", dirPy);
        for (String name : new String[] {"i8", "i16", "f32", "u16", "f16", "u8"}) {
            Volume v = MrcReader.read(dirPy.resolve(name + ".mrc"));
            assertArrayEquals(new int[] {2, 3, 4}, v.shape(), name);
            boolean unsigned = name.startsWith("u");
            for (int i = 0; i < 24; i++) {
                assertEquals(i * 3 - (unsigned ? 0 : 20), v.data()[i], 0f, name + " voxel " + i);
            }
            assertArrayEquals(new float[] {1.5f, 2.5f, 3.5f}, v.voxelSize(), 1e-6f, name);
        }
        assertEquals(6, MrcReader.readHeader(dirPy.resolve("u8.mrc")).mode());
    }

    @Test
    void badFilesAreOneSentenceNamingTheFile() throws IOException {
        Path text = file("notes.mrc", "this is a text file, not a tomogram\n".repeat(40).getBytes());
        assertUserError(text, "not an MRC file");
        byte[] full = rawMrc(ByteOrder.LITTLE_ENDIAN, 4, 4, 4, 2, 0, ones(), new byte[4 * 4 * 4 * 4]);
        Path cut = file("cut.mrc", java.util.Arrays.copyOf(full, full.length - 10));
        assertUserError(cut, "truncated");
        Path tiny = file("tiny.mrc", new byte[100]);
        assertUserError(tiny, "not an MRC file");
        Path complex = file("c.mrc", rawMrc(ByteOrder.LITTLE_ENDIAN, 1, 1, 1, 4, 0, ones(), new byte[8]));
        assertUserError(complex, "mode 4 is not supported");
        assertUserError(dir.resolve("absent.mrc"), "file not found");
    }

    private static void assertUserError(Path p, String what) {
        CryosiamUserException e = assertThrows(CryosiamUserException.class, () -> MrcReader.read(p));
        assertTrue(e.getMessage().startsWith(p.toString()) && e.getMessage().contains(what), e.getMessage());
    }

    private static float[] ones() {
        return new float[] {1f, 1f, 1f};
    }
}
