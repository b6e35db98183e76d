package org.cryosiam.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checkpoint writer: round trip through our reader, alignment, and Python's torch.load on the result. */
public class CheckpointWriterTest {
    @TempDir
    Path dir;

    static Map<String, Object> sample() {
        CheckpointWriter.OrderedDict sd = new CheckpointWriter.OrderedDict();
        float[] w = new float[2 * 3 * 3 * 3];
        for (int i = 0; i < w.length; i++) {
            w[i] = i * 0.5f - 7f;
        }
        sd.put("_model.semantic_head.0.weight", Tensor.ofFloats(new int[] {2, 1, 3, 3, 3}, w));
        sd.put("_model.semantic_head.0.bias", Tensor.ofFloats(new int[] {2}, new float[] {1.5f, -2.25f}));
        sd.put("_model.semantic_head.1.num_batches_tracked", Tensor.ofLongs(new int[0], new long[] {123456789012L}));
        Map<String, Object> network = new LinkedHashMap<>();
        network.put("out_channels", 4);
        network.put("filters", List.of(32, 64));
        network.put("distance_prediction", true);
        network.put("lr", 1e-3);
        network.put("nothing", null);
        network.put("big", 1L << 40);
        network.put("neg", -5);
        Map<String, Object> config = Map.of("parameters", Map.of("network", network), "name", "ünïcode");
        Map<String, Object> hp = new LinkedHashMap<>();
        hp.put("config", config);
        hp.put("backbone_config", Map.of("parameters", Map.of("network", Map.of("dense_dim", 8))));
        Map<String, Object> optState = new LinkedHashMap<>();
        Map<Object, Object> state = new LinkedHashMap<>();
        state.put(0, Map.of("step", Tensor.ofFloats(new int[0], new float[] {3f})));
        optState.put("state", state);
        optState.put("param_groups", List.of(Map.of("betas", CheckpointWriter.Tuple.of(0.9, 0.999),
                "params", List.of(0, 1))));
        List<Object> many = new ArrayList<>();
        for (int i = 0; i < 2500; i++) {
            many.add(i);
        }
        Map<String, Object> sched = Map.of("last_epoch", 7, "many", many);
        return CheckpointWriter.lightning(sd, hp, 2, 7, List.of(optState), List.of(sched), null);
    }

    @Test
    void roundTripThroughOurReader() {
        Path f = dir.resolve("model.ckpt");
        CheckpointWriter.write(f, sample());
        Checkpoint c = Checkpoint.load(f);
        assertEquals(3, c.stateDict().size());
        Tensor w = c.stateDict().get("_model.semantic_head.0.weight");
        assertArrayEquals(new int[] {2, 1, 3, 3, 3}, w.shape());
        assertEquals(-7f, w.toFloatArray()[0]);
        assertEquals(19.5f, w.toFloatArray()[53]);
        assertArrayEquals(new long[] {123456789012L},
                c.stateDict().get("_model.semantic_head.1.num_batches_tracked").toLongArray());
        assertEquals(DType.INT64, c.stateDict().get("_model.semantic_head.1.num_batches_tracked").dtype());
        Map<?, ?> net = (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) c.hyperParameters().get("config")).get("parameters"))
                .get("network");
        assertEquals(4L, net.get("out_channels"));
        assertEquals(List.of(32L, 64L), net.get("filters"));
        assertEquals(true, net.get("distance_prediction"));
        assertEquals(1e-3, net.get("lr"));
        assertEquals(1L << 40, net.get("big"));
        assertEquals(-5L, net.get("neg"));
        assertTrue(net.containsKey("nothing"));
        assertEquals("ünïcode", ((Map<?, ?>) c.hyperParameters().get("config")).get("name"));
        assertEquals(2L, c.get("epoch"));
        assertEquals(7L, c.get("global_step"));
        assertEquals(CheckpointWriter.VERSION, c.get("pytorch-lightning_version"));
        List<?> many = (List<?>) ((Map<?, ?>) ((List<?>) c.get("lr_schedulers")).get(0)).get("many");
        assertEquals(2500, many.size());
        assertEquals(2499L, many.get(2499));
    }

    @Test
    void storagesAreAlignedAndStored() throws IOException {
        Path f = dir.resolve("aligned.ckpt");
        CheckpointWriter.write(f, sample());
        try (ZipFile z = new ZipFile(f.toFile())) {
            List<String> names = new ArrayList<>();
            z.stream().forEach(e -> names.add(e.getName()));
            assertEquals("aligned/data.pkl", names.get(0));
            assertTrue(names.contains("aligned/version"));
            assertTrue(names.contains("aligned/data/0"));
            for (ZipEntry e : z.stream().toList()) {
                assertEquals(ZipEntry.STORED, e.getMethod());
            }
        }
        // local header offsets: find each data entry's payload in the raw file and check 64-byte alignment
        byte[] raw = Files.readAllBytes(f);
        int p = 0;
        int found = 0;
        while (p + 30 <= raw.length && raw[p] == 'P' && raw[p + 1] == 'K' && raw[p + 2] == 3 && raw[p + 3] == 4) {
            int size = le4(raw, p + 18);
            int nameLen = le2(raw, p + 26);
            int extraLen = le2(raw, p + 28);
            int data = p + 30 + nameLen + extraLen;
            assertEquals(0, data % 64, "entry at " + p);
            found++;
            p = data + size;
        }
        assertEquals(7, found); // data.pkl, byteorder, four storages, version
    }

    private static int le2(byte[] b, int i) {
        return (b[i] & 0xff) | (b[i + 1] & 0xff) << 8;
    }

    private static int le4(byte[] b, int i) {
        return le2(b, i) | le2(b, i + 2) << 16;
    }

    /** Debian's python3-torch must read the file (CI installs it; missing Python/torch fails, never skips). */
    @Test
    void pythonTorchLoadsIt() {
        Path f = dir.resolve("interop.ckpt");
        CheckpointWriter.write(f, sample());
        String script = String.join("\n",
                "import sys, torch, collections",
                "c = torch.load(sys.argv[1], weights_only=False)",
                "sd = c['state_dict']",
                "assert isinstance(sd, collections.OrderedDict), type(sd)",
                "print(','.join(sd.keys()))",
                "w = sd['_model.semantic_head.0.weight']",
                "print(tuple(w.shape), w.dtype, float(w[0,0,0,0,0]), float(w.flatten()[53]))",
                "n = sd['_model.semantic_head.1.num_batches_tracked']",
                "print(n.dtype, tuple(n.shape), int(n))",
                "net = c['hyper_parameters']['config']['parameters']['network']",
                "print(net['out_channels'], net['filters'], net['distance_prediction'], net['lr'], net['big'])",
                "print(c['epoch'], c['global_step'], c['optimizer_states'][0]['param_groups'][0]['betas'])",
                "print(float(c['optimizer_states'][0]['state'][0]['step']), len(c['lr_schedulers'][0]['many']))");
        String out = python(script, f.toString());
        String[] lines = out.split("\n");
        assertEquals("_model.semantic_head.0.weight,_model.semantic_head.0.bias,"
                + "_model.semantic_head.1.num_batches_tracked", lines[0]);
        assertEquals("(2, 1, 3, 3, 3) torch.float32 -7.0 19.5", lines[1]);
        assertEquals("torch.int64 () 123456789012", lines[2]);
        assertEquals("4 [32, 64] True 0.001 1099511627776", lines[3]);
        assertEquals("2 7 (0.9, 0.999)", lines[4]);
        assertEquals("3.0 2500", lines[5]);
    }

    /** {@link org.cryosiam.Python#run}: fails the test when Python or torch is missing. */
    public static String python(String script, String... args) {
        return org.cryosiam.Python.run(script, (Object[]) args);
    }
}
