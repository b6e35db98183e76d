package org.cryosiam.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import org.cryosiam.Fixtures;
import org.cryosiam.checkpoint.Checkpoint;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;

/**
 * Every fixture checkpoint against {@code networks/<model>.h5}: the reference's raw outputs on a fixed batch, each
 * within {@code 1e-4 · max(1, max|reference|)}.
 */
class NetworkParityTest {
    @BeforeAll
    static void offline() {
        System.setProperty("ai.djl.offline", "true");
    }

    @ParameterizedTest
    @ValueSource(strings = {"denoise", "lamella", "semantic", "particles", "instance", "embeddings",
            "dense_simsiam_pretrained"})
    void matchesReference(String model) {
        Path dir = Fixtures.pipelineSmall();
        Checkpoint ckpt = Checkpoint.load(dir.resolve("models").resolve(model + ".ckpt"));
        try (HdfFile h5 = new HdfFile(dir.resolve("networks").resolve(model + ".h5"));
                NDManager m = NDManager.newBaseManager(Device.cpu());
                Network net = Networks.fromCheckpoint(ckpt, Device.cpu())) {
            Set<String> names = new LinkedHashSet<>(h5.getChildren().keySet());
            names.remove("input");
            assertEquals(names, new LinkedHashSet<>(net.outputNames()), model + ": output names");
            Dataset in = h5.getDatasetByPath("input");
            NDArray x = m.create(floats(in), new Shape(toLong(in.getDimensions())));
            Map<String, NDArray> out = net.forward(x);
            StringBuilder report = new StringBuilder(model + ":");
            for (String name : names) {
                Dataset ref = h5.getDatasetByPath(name);
                NDArray y = out.get(name);
                assertArrayEquals(toLong(ref.getDimensions()), y.getShape().getShape(), model + "/" + name);
                float[] r = floats(ref);
                float[] g = y.toFloatArray();
                double maxErr = 0;
                double maxRef = 0;
                for (int i = 0; i < r.length; i++) {
                    maxErr = Math.max(maxErr, Math.abs(r[i] - g[i]));
                    maxRef = Math.max(maxRef, Math.abs(r[i]));
                }
                report.append(String.format(" %s maxerr=%.3g (max|ref|=%.3g)", name, maxErr, maxRef));
                assertTrue(maxErr <= 1e-4 * Math.max(1, maxRef),
                        model + "/" + name + ": max abs error " + maxErr + " (max |ref| " + maxRef + ")");
            }
            System.out.println(report);
        }
    }

    static long[] toLong(int[] d) {
        return Arrays.stream(d).asLongStream().toArray();
    }

    static float[] floats(Dataset d) {
        Object flat = d.getDataFlat();
        if (flat instanceof float[] f) {
            return f;
        }
        if (flat instanceof double[] dd) {
            float[] f = new float[dd.length];
            for (int i = 0; i < dd.length; i++) {
                f[i] = (float) dd[i];
            }
            return f;
        }
        throw new IllegalStateException("unexpected data " + flat.getClass());
    }

}
