package org.cryosiam.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.Fixtures;
import org.cryosiam.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checkpoint reader on hand-made archives (every opcode path we rely on) and on the fixture checkpoints. */
class CheckpointTest {
    @TempDir
    Path dir;

    /** Writes pickle opcodes by hand (protocol 2, as torch.save does). */
    static final class Pickle {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Pickle op(int... bytes) {
            for (int b : bytes) {
                out.write(b);
            }
            return this;
        }

        /** A text argument of a protocol-0 opcode: the line and its newline. */
        Pickle line(String s) {
            out.writeBytes((s + "\n").getBytes(StandardCharsets.UTF_8));
            return this;
        }

        Pickle str(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            op('X');
            int4(b.length);
            out.writeBytes(b);
            return this;
        }

        Pickle global(String module, String name) {
            op('c');
            out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
            return this;
        }

        Pickle int1(int v) {
            return op('K', v);
        }

        Pickle int4(int v) {
            for (int i = 0; i < 4; i++) {
                out.write((v >> (8 * i)) & 0xff);
            }
            return this;
        }

        Pickle binint(int v) {
            op('J');
            return int4(v);
        }

        Pickle tupleOfInts(int... v) {
            op('(');
            for (int x : v) {
                int1(x);
            }
            return op('t');
        }

        /** A tensor record: _rebuild_tensor_v2(('storage', FloatStorage, key, 'cpu', numel), offset, size, stride, False, OrderedDict()). */
        Pickle tensor(String storageType, String key, int numel, int offset, int[] size, int[] stride) {
            global("torch._utils", "_rebuild_tensor_v2");
            op('(');
            op('(').str("storage").global("torch", storageType).str(key).str("cpu").int1(numel).op('t');
            op('Q');
            int1(offset);
            tupleOfInts(size);
            tupleOfInts(stride);
            op(0x89);
            global("collections", "OrderedDict").op(')').op('R');
            op('t');
            return op('R');
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    private Path archive(String name, byte[] pickle, Map<String, byte[]> storages) throws IOException {
        Path p = dir.resolve(name + ".ckpt");
        try (OutputStream f = Files.newOutputStream(p); ZipOutputStream zip = new ZipOutputStream(f)) {
            stored(zip, name + "/data.pkl", pickle);
            for (Map.Entry<String, byte[]> e : storages.entrySet()) {
                stored(zip, name + "/data/" + e.getKey(), e.getValue());
            }
            stored(zip, name + "/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        }
        return p;
    }

    private static void stored(ZipOutputStream zip, String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        zip.putNextEntry(e);
        zip.write(data);
        zip.closeEntry();
    }

    private static byte[] floats(float... v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) {
            b.putFloat(x);
        }
        return b.array();
    }

    /** {'state_dict': OrderedDict(w=<tensor>), 'epoch': 7, 'hyper_parameters': {...}} around one tensor record. */
    private static byte[] lightning(Pickle tensorRecord) {
        Pickle p = new Pickle().op(0x80, 2).op('}').op('(');
        p.str("state_dict").global("collections", "OrderedDict").op(')').op('R').op('(');
        p.str("w");
        p.out.writeBytes(tensorRecord.bytes());
        p.op('u');
        p.str("epoch").int1(7);
        p.str("hyper_parameters").op('}').op('(').str("config").op('}').op('(')
                .str("lr").op('G').op(0x3f, 0x50, 0x62, 0x4d, 0xd2, 0xf1, 0xa9, 0xfc) // 0.001 big-endian
                .str("names").op(']').op('(').str("a").str("b").op('e')
                .op('u').op('u');
        p.str("optimizer").global("torch.optim.adamw", "AdamW").op(')').op(0x81).op('}').op('(')
                .str("defaults").int1(1).op('u').op('b');
        p.op('u').op('.');
        return p.bytes();
    }

    @Test
    void readsAContiguousTensorWithOffset() throws IOException {
        byte[] pkl = lightning(new Pickle().tensor("FloatStorage", "0", 6, 2, new int[] {2, 2}, new int[] {2, 1}));
        Checkpoint c = Checkpoint.load(archive("a", pkl, Map.of("0", floats(0, 1, 2, 3, 4, 5))));
        Tensor w = c.stateDict().get("w");
        assertArrayEquals(new int[] {2, 2}, w.shape());
        assertArrayEquals(new float[] {2, 3, 4, 5}, w.toFloatArray());
        assertEquals(7L, c.get("epoch"));
        Map<String, Object> cfg = (Map<String, Object>) c.hyperParameters().get("config");
        assertEquals(0.001, (Double) cfg.get("lr"), 0);
        assertEquals(List.of("a", "b"), cfg.get("names"));
        assertInstanceOf(PyObject.class, c.raw().get("optimizer"), "optimizer stays an inert placeholder");
    }

    @Test
    void readsATransposedView() throws IOException {
        // storage 0..5 seen as a 3x2 transpose of the 2x3 matrix [[0,1,2],[3,4,5]]: strides (1, 3)
        byte[] pkl = lightning(new Pickle().tensor("FloatStorage", "0", 6, 0, new int[] {3, 2}, new int[] {1, 3}));
        Tensor w = Checkpoint.load(archive("t", pkl, Map.of("0", floats(0, 1, 2, 3, 4, 5)))).stateDict().get("w");
        assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, w.toFloatArray());
    }

    @Test
    void readsHalfAndLongStorages() throws IOException {
        ByteBuffer half = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 0x3c00).putShort((short) 0xc000);
        byte[] pkl = lightning(new Pickle().tensor("HalfStorage", "0", 2, 0, new int[] {2}, new int[] {1}));
        assertArrayEquals(new float[] {1f, -2f},
                Checkpoint.load(archive("h", pkl, Map.of("0", half.array()))).stateDict().get("w").toFloatArray());
        ByteBuffer longs = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(1234567890123L);
        pkl = lightning(new Pickle().tensor("LongStorage", "0", 1, 0, new int[] {}, new int[] {}));
        Tensor t = Checkpoint.load(archive("l", pkl, Map.of("0", longs.array()))).stateDict().get("w");
        assertEquals(DType.INT64, t.dtype());
        assertArrayEquals(new long[] {1234567890123L}, t.toLongArray());
    }

    @Test
    void rejectsATensorPastItsStorage() throws IOException {
        byte[] pkl = lightning(new Pickle().tensor("FloatStorage", "0", 6, 3, new int[] {2, 2}, new int[] {2, 1}));
        Path p = archive("past", pkl, Map.of("0", floats(0, 1, 2, 3, 4, 5)));
        CryosiamUserException e = assertThrows(CryosiamUserException.class, () -> Checkpoint.load(p));
        assertTrue(e.getMessage().contains("runs past its storage"), e.getMessage());
        assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
    }

    @Test
    void rejectsAStorageSmallerThanDeclared() throws IOException {
        byte[] pkl = lightning(new Pickle().tensor("FloatStorage", "0", 6, 0, new int[] {6}, new int[] {1}));
        Path p = archive("small", pkl, Map.of("0", floats(0, 1, 2)));
        assertTrue(assertThrows(CryosiamUserException.class, () -> Checkpoint.load(p)).getMessage().contains("holds 12 bytes"));
    }

    @Test
    void rejectsAPickleThatEndsEarly() throws IOException {
        byte[] full = lightning(new Pickle().tensor("FloatStorage", "0", 6, 0, new int[] {6}, new int[] {1}));
        for (int cut : new int[] {1, 20, full.length / 2, full.length - 1}) {
            byte[] pkl = java.util.Arrays.copyOf(full, cut);
            Path p = archive("early" + cut, pkl, Map.of("0", floats(0, 1, 2, 3, 4, 5)));
            String msg = assertThrows(CryosiamUserException.class, () -> Checkpoint.load(p)).getMessage();
            assertTrue(msg.contains("ends early") || msg.contains("malformed"), msg);
        }
    }

    @Test
    void rejectsAHugeDeclaredLengthWithoutAllocating() throws IOException {
        byte[] pkl = new Pickle().op(0x80, 2).op('X').int4(Integer.MAX_VALUE - 1).op('.').bytes();
        Path p = archive("huge", pkl, Map.of());
        assertTrue(assertThrows(CryosiamUserException.class, () -> Checkpoint.load(p)).getMessage().contains("ends early"));
    }

    @Test
    void neverCallsArbitraryFunctions() throws IOException {
        // os.system('echo pwned') as a pickle: must come back as an inert placeholder
        Pickle p = new Pickle().op(0x80, 2).op('}').str("x").global("os", "system").str("echo pwned").op(0x85)
                .op('R').op('s');
        p.str("state_dict").op('}').str("w"); // a model checkpoint needs a state_dict
        p.out.writeBytes(new Pickle().tensor("FloatStorage", "0", 2, 0, new int[] {2}, new int[] {1}).bytes());
        byte[] pkl = p.op('s').op('s').op('.').bytes();
        Checkpoint c = Checkpoint.load(archive("evil", pkl, Map.of("0", floats(1, 2))));
        PyObject o = assertInstanceOf(PyObject.class, c.raw().get("x"));
        assertEquals("os", o.module());
        assertEquals("system", o.name());
        assertEquals(List.of("echo pwned"), o.args());
    }

    @Test
    void explainsFilesThatAreNotCheckpoints() throws IOException {
        Path html = dir.resolve("page.ckpt");
        Files.writeString(html, "<!DOCTYPE html><html><body>Not found</body></html>");
        assertTrue(assertThrows(CryosiamUserException.class, () -> Checkpoint.load(html)).getMessage().contains("web page"));
        Path legacy = dir.resolve("legacy.ckpt");
        Files.write(legacy, new byte[] {(byte) 0x80, 2, (byte) 0x8a, 10, 0x6c, (byte) 0xfc});
        assertTrue(assertThrows(CryosiamUserException.class, () -> Checkpoint.load(legacy)).getMessage().contains("legacy"));
        Path text = dir.resolve("text.ckpt");
        Files.writeString(text, "hello");
        assertTrue(assertThrows(CryosiamUserException.class, () -> Checkpoint.load(text)).getMessage().contains("not a PyTorch checkpoint"));
    }

    @Test
    void truncatedArchiveIsAUserErrorFromTheCli() throws IOException {
        Path fixture = Fixtures.pipelineSmall().resolve("models/denoise.ckpt");
        byte[] all = Files.readAllBytes(fixture);
        Path cut = dir.resolve("cut.ckpt");
        Files.write(cut, java.util.Arrays.copyOf(all, all.length / 2));
        assertEquals(2, Main.run("checkpoint_info", "--checkpoint", cut.toString()));
        assertEquals(2, Main.run("checkpoint_info", "--checkpoint", dir.resolve("absent.ckpt").toString()));
    }

    @Test
    void readsEveryFixtureCheckpoint() throws IOException {
        Path models = Fixtures.pipelineSmall().resolve("models");
        Map<String, ModelKind> kinds = Map.of("denoise", ModelKind.DENOISING, "lamella", ModelKind.SEMANTIC,
                "semantic", ModelKind.SEMANTIC, "particles", ModelKind.SEMANTIC, "instance", ModelKind.INSTANCE,
                "embeddings", ModelKind.EMBEDDING, "dense_simsiam_pretrained", ModelKind.DENSE_BACKBONE);
        for (Map.Entry<String, ModelKind> e : kinds.entrySet()) {
            Checkpoint c = Checkpoint.load(models.resolve(e.getKey() + ".ckpt"));
            assertEquals(e.getValue(), ModelKind.of(c.stateDict().keySet()), e.getKey());
            assertEquals("2.1.3", c.get("pytorch-lightning_version"));
            assertInstanceOf(Map.class, c.hyperParameters().get("config"));
        }
        Checkpoint denoise = Checkpoint.load(models.resolve("denoise.ckpt"));
        // conv1 of the ResNet: 8 filters, 1 input channel, 7^3 kernel
        assertArrayEquals(new int[] {8, 1, 7, 7, 7}, denoise.stateDict().get("_model_backbone.encoder.conv1.weight").shape());
        Tensor tracked = denoise.stateDict().get("_model_backbone.encoder.bn1.num_batches_tracked");
        assertEquals(DType.INT64, tracked.dtype());
        assertEquals(0, tracked.shape().length);
        // global_projector.6 and encoder.fc are one storage saved under two names
        assertArrayEquals(denoise.stateDict().get("_model_backbone.encoder.fc.weight").toFloatArray(),
                denoise.stateDict().get("_model_backbone.global_projector.6.weight").toFloatArray());
    }
}
