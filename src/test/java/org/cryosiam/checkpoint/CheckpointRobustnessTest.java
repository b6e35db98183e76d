package org.cryosiam.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.UserErrors;
import org.cryosiam.checkpoint.CheckpointTest.Pickle;
import org.cryosiam.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Malformed pickles and archives: one sentence naming the file, never a Java exception's text. */
class CheckpointRobustnessTest {
    @TempDir
    Path dir;

    static Path archive(Path dir, String name, byte[] pickle, Map<String, byte[]> entries) throws IOException {
        Path p = dir.resolve(name + ".ckpt");
        try (OutputStream f = Files.newOutputStream(p); ZipOutputStream zip = new ZipOutputStream(f)) {
            stored(zip, name + "/data.pkl", pickle);
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                stored(zip, name + "/" + e.getKey(), e.getValue());
            }
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

    private static byte[] floats(ByteOrder order, float... v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(order);
        for (float x : v) {
            b.putFloat(x);
        }
        return b.array();
    }

    /** {'state_dict': {'w': <body>}} */
    private static byte[] stateDictWith(Pickle body) {
        Pickle p = new Pickle().op(0x80, 2).op('}').str("state_dict").op('}').str("w");
        p.out.writeBytes(body.bytes());
        return p.op('s').op('s').op('.').bytes();
    }

    private static Pickle tensor() {
        return new Pickle().tensor("FloatStorage", "0", 4, 0, new int[] {4}, new int[] {1});
    }

    private Path withStorage(String name, byte[] pkl) throws IOException {
        return archive(dir, name, pkl, Map.of("data/0", floats(ByteOrder.LITTLE_ENDIAN, 1, 2, 3, 4)));
    }

    private static void refused(Path p, String... fragments) {
        CryosiamUserException e = assertThrows(CryosiamUserException.class, () -> Checkpoint.load(p));
        UserErrors.assertNames(e, p, fragments);
        assertFalse(e.getMessage().contains("java."), e.getMessage());
    }

    @Test
    void textNumbersThatAreNotNumbers() throws IOException {
        byte[][] bad = {
            new Pickle().op('F').line("abc").op('.').bytes(),
            new Pickle().op('I').line("1x").op('.').bytes(),
            new Pickle().op('L').line("zzL").op('.').bytes(),
            new Pickle().op(']').op('p').line("key").op('.').bytes(),
            new Pickle().op(']').op('p').line("0").op('g').line("-").op('.').bytes(),
            new Pickle().op('I').line("9".repeat(100_000)).op('.').bytes(), // would parse for seconds
        };
        for (int i = 0; i < bad.length; i++) {
            refused(withStorage("text" + i, bad[i]), "malformed pickle");
        }
    }

    @Test
    void tensorRecordsWithNoneFields() throws IOException {
        for (int field = 1; field <= 3; field++) {
            Pickle p = new Pickle().global("torch._utils", "_rebuild_tensor_v2").op('(');
            p.op('(').str("storage").global("torch", "FloatStorage").str("0").str("cpu").int1(4).op('t').op('Q');
            if (field == 1) {
                p.op('N');
            } else {
                p.int1(0);
            }
            if (field == 2) {
                p.op('N');
            } else {
                p.tupleOfInts(4);
            }
            if (field == 3) {
                p.op('N');
            } else {
                p.tupleOfInts(1);
            }
            p.op(0x89).global("collections", "OrderedDict").op(')').op('R').op('t').op('R');
            refused(withStorage("none" + field, stateDictWith(p)), "malformed tensor record");
        }
        // a storage size that is not a number
        Pickle p = new Pickle().global("torch._utils", "_rebuild_tensor_v2").op('(');
        p.op('(').str("storage").global("torch", "FloatStorage").str("0").str("cpu").str("four").op('t').op('Q');
        p.int1(0).tupleOfInts(4).tupleOfInts(1).op(0x89).op(')').op('t').op('R');
        refused(withStorage("numel", stateDictWith(p)), "malformed storage record");
    }

    @Test
    void topLevelNoneProtocol9AndShortFrames() throws IOException {
        refused(withStorage("none", new Pickle().op(0x80, 2).op('N').op('.').bytes()), "holds None");
        refused(withStorage("proto9", new Pickle().op(0x80, 9).op('N').op('.').bytes()), "protocol 9");
        Pickle frame = new Pickle().op(0x80, 4).op(0x95).int4(1000).int4(0).op('N').op('.');
        refused(withStorage("frame", frame.bytes()), "ends early");
        refused(withStorage("empty", new Pickle().op('.').bytes()), "malformed pickle");
    }

    @Test
    void wrongKindsOfValuesNeverShowJavaText() throws IOException {
        byte[][] bad = {
            new Pickle().int1(1).int1(2).op(0x93).op('.').bytes(),              // STACK_GLOBAL of ints
            new Pickle().op('N').op(')').op('R').op('.').bytes(),               // calling None
            new Pickle().global("collections", "OrderedDict").op(']').int1(3).op('a').op(0x85).op('R')
                    .op('.').bytes(),                                             // OrderedDict([3])
            new Pickle().global("builtins", "set").op('(').int1(1).op('t').op(0x85).op('R').op('.').bytes(),
            new Pickle().op('}').op(']').int1(1).op('s').op('.').bytes(),       // a list as a dict key
            new Pickle().global("torch._utils", "_rebuild_parameter").op(')').op('R').op('.').bytes(),
        };
        for (int i = 0; i < bad.length; i++) {
            refused(withStorage("kind" + i, bad[i]), "");
        }
    }

    @Test
    void notAModelCheckpoint() throws IOException {
        // dicts nested 1000 deep and nothing else
        Pickle deep = new Pickle().op(0x80, 2);
        for (int i = 0; i < 1000; i++) {
            deep.op('}').str("k");
        }
        deep.op('N');
        for (int i = 0; i < 1000; i++) {
            deep.op('s');
        }
        refused(withStorage("deep", deep.op('.').bytes()), "no state_dict");
        refused(withStorage("nosd", new Pickle().op('}').str("epoch").int1(3).op('s').op('.').bytes()),
                "no state_dict");
        refused(withStorage("listsd", new Pickle().op('}').str("state_dict").op(']').op('s').op('.').bytes()),
                "not a mapping of tensors");
        refused(withStorage("strsd", stateDictWith(new Pickle().str("not a tensor"))), "'w'", "not a tensor");
        refused(withStorage("emptysd", new Pickle().op('}').str("state_dict").op('}').op('s').op('.').bytes()),
                "no tensors");
    }

    @Test
    void noneAsASingleDictValueOrListItem() throws IOException {
        // SETITEM and APPEND of None: {'state_dict': {'w': t}, 'hyper_parameters': {'x': None, 'l': [None]}}
        Pickle p = new Pickle().op(0x80, 2).op('}').str("state_dict").op('}').str("w");
        p.out.writeBytes(tensor().bytes());
        p.op('s').op('s').str("hyper_parameters").op('}').str("x").op('N').op('s').str("l").op(']').op('N').op('a')
                .op('s').op('s').op('.');
        Map<String, Object> hp = Checkpoint.load(withStorage("nones", p.bytes())).hyperParameters();
        org.junit.jupiter.api.Assertions.assertTrue(hp.containsKey("x") && hp.get("x") == null, hp.toString());
        org.junit.jupiter.api.Assertions.assertEquals(java.util.Arrays.asList((Object) null), hp.get("l"));
    }

    @Test
    void hyperParametersNestedTooDeeplyOrContainingThemselves() throws IOException {
        // {'state_dict': {'w': t}, 'hyper_parameters': <list containing itself>}
        Pickle self = new Pickle().op(0x80, 2).op('}').str("state_dict").op('}').str("w");
        self.out.writeBytes(tensor().bytes());
        self.op('s').op('s').str("hyper_parameters").op(']').op('q', 0).op('h', 0).op('a').op('s').op('.');
        Checkpoint c = Checkpoint.load(withStorage("self", self.bytes()));
        CryosiamUserException e = assertThrows(CryosiamUserException.class, () -> c.get("hyper_parameters"));
        UserErrors.assertNames(e, c.file(), "nest more than");
    }

    @Test
    void bigEndianStoragesAreHonoured() throws IOException {
        byte[] pkl = stateDictWith(tensor());
        Path big = archive(dir, "big", pkl, Map.of("data/0", floats(ByteOrder.BIG_ENDIAN, 1.5f, -2, 3, 1e-3f),
                "byteorder", "big".getBytes(StandardCharsets.US_ASCII)));
        assertArrayEquals(new float[] {1.5f, -2, 3, 1e-3f}, Checkpoint.load(big).stateDict().get("w").toFloatArray());
        Path little = archive(dir, "little", pkl, Map.of("data/0", floats(ByteOrder.LITTLE_ENDIAN, 1.5f, -2, 3, 4),
                "byteorder", "little\n".getBytes(StandardCharsets.US_ASCII)));
        assertArrayEquals(new float[] {1.5f, -2, 3, 4}, Checkpoint.load(little).stateDict().get("w").toFloatArray());
        Path odd = archive(dir, "odd", pkl, Map.of("data/0", floats(ByteOrder.LITTLE_ENDIAN, 1, 2, 3, 4),
                "byteorder", "middle".getBytes(StandardCharsets.US_ASCII)));
        refused(odd, "byteorder", "'middle'");
    }

    @Test
    void checkpointInfoSaysOneSentence() throws IOException {
        Path p = withStorage("nosd", new Pickle().op('}').str("epoch").int1(3).op('s').op('.').bytes());
        UserErrors.assertOneSentence(CliRun.run("checkpoint_info", "--checkpoint", p.toString()), p, "no state_dict");
    }
}
