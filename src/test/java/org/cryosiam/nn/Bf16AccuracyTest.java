package org.cryosiam.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.Fixtures;
import org.cryosiam.checkpoint.Checkpoint;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;

/**
 * {@code --precision bf16} against float32 on every fixture network and its fixed input batch: the largest difference
 * of each raw output relative to that output's range, and for the semantic outputs the agreement of the argmax class.
 * The numbers printed are those quoted in the README and {@code --help}. On a CPU without bfloat16 support the option
 * must be refused instead.
 */
class Bf16AccuracyTest {
    @BeforeAll
    static void offline() {
        System.setProperty("ai.djl.offline", "true");
    }

    @ParameterizedTest
    @ValueSource(strings = {"denoise", "lamella", "semantic", "particles", "instance", "embeddings",
            "dense_simsiam_pretrained"})
    void bf16StaysCloseToFloat32(String model) {
        if (!Precision.cpuHasBf16(Path.of("/proc/cpuinfo"))) {
            try (Network net = Networks.fromCheckpoint(Checkpoint.load(
                    Fixtures.pipelineSmall().resolve("models").resolve(model + ".ckpt")), Device.cpu())) {
                assertThrows(CryosiamUserException.class, () -> net.setPrecision(Precision.BF16));
            }
            return;
        }
        Path dir = Fixtures.pipelineSmall();
        Checkpoint ckpt = Checkpoint.load(dir.resolve("models").resolve(model + ".ckpt"));
        try (HdfFile h5 = new HdfFile(dir.resolve("networks").resolve(model + ".h5"));
             NDManager m = NDManager.newBaseManager(Device.cpu());
             Network net = Networks.fromCheckpoint(ckpt, Device.cpu())) {
            Dataset in = h5.getDatasetByPath("input");
            NDArray x = m.create(NetworkParityTest.floats(in), new Shape(NetworkParityTest.toLong(in.getDimensions())));
            Map<String, NDArray> fp32 = net.forward(x);
            net.setPrecision(Precision.BF16);
            Map<String, NDArray> bf16 = net.forward(x);
            assertEquals(Precision.BF16, net.precision());
            net.setPrecision(Precision.FP32);
            StringBuilder report = new StringBuilder("bf16 vs fp32, " + model + ":");
            for (String name : fp32.keySet()) {
                float[] a = fp32.get(name).toFloatArray();
                float[] b = bf16.get(name).toFloatArray();
                float lo = Float.POSITIVE_INFINITY;
                float hi = Float.NEGATIVE_INFINITY;
                double maxDiff = 0;
                for (int i = 0; i < a.length; i++) {
                    lo = Math.min(lo, a[i]);
                    hi = Math.max(hi, a[i]);
                    maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
                }
                double relative = maxDiff / Math.max(hi - lo, 1e-12);
                report.append(String.format(" %s %.2f%%", name, 100 * relative));
                assertTrue(relative < 0.08, model + "/" + name + ": bf16 differs by " + relative + " of the range");
                if (name.equals("semantic") && fp32.get(name).getShape().get(1) > 1) {
                    double agree = argmaxAgreement(fp32.get(name), bf16.get(name));
                    report.append(String.format(" (classes %.2f%% equal)", 100 * agree));
                    assertTrue(agree > 0.97, model + ": class agreement " + agree);
                }
            }
            System.out.println(report);
        }
    }

    private static double argmaxAgreement(NDArray a, NDArray b) {
        float[] x = a.argMax(1).toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
        float[] y = b.argMax(1).toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
        int same = 0;
        for (int i = 0; i < x.length; i++) {
            same += x[i] == y[i] ? 1 : 0;
        }
        return (double) same / x.length;
    }

    @Test
    void cpuFlagsDecideSupport(@TempDir Path dir) throws Exception {
        Path with = Files.writeString(dir.resolve("a"), "processor : 0\nflags : fpu avx512f avx512_bf16 amx_tile\n");
        Path amx = Files.writeString(dir.resolve("b"), "flags : fpu amx_bf16 amx_tile\n");
        Path without = Files.writeString(dir.resolve("c"), "flags : fpu avx2 avx512f\n");
        assertTrue(Precision.cpuHasBf16(with));
        assertTrue(Precision.cpuHasBf16(amx));
        assertTrue(!Precision.cpuHasBf16(without));
        assertTrue(!Precision.cpuHasBf16(dir.resolve("absent")));
        assertEquals(Precision.BF16, Precision.parse("bfloat16"));
        assertThrows(CryosiamUserException.class, () -> Precision.parse("fp16"));
    }
}
