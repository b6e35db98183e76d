package org.cryosiam.commands;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

import org.cryosiam.FixtureStep;
import org.cryosiam.Fixtures;
import org.cryosiam.io.Hdf5;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** instance_predict and instance_filter against the reference's outputs for the pipeline_small case. */
class InstancePredictTest {
    private static final String STEP = "instance_predict configs/instance.yaml";
    private static final String FILTER = "instance_filter configs/instance.yaml";

    @TempDir
    Path dir;

    @Test
    void matchesTheReferenceOnThePipelineCase() throws IOException {
        FixtureStep step = new FixtureStep(Fixtures.pipelineSmall(), dir).before(STEP);
        assertEquals(0, step.run("instance_predict", "configs/instance.yaml"));
        List<String> writes = step.writes(STEP);
        assertEquals(6, writes.size());
        for (String f : writes) {
            assertTrue(Files.exists(step.actual(f)), f + " was not written");
            if (f.endsWith("_instance_preds.h5")) {
                System.out.println(f + ": " + step.assertInstancesAgree(f, "instances"));
            } else if (f.endsWith(".csv")) {
                step.assertTableClose(f);
                assertEquals(Files.readString(step.expected(f)), Files.readString(step.actual(f)),
                        f + ": byte-identical (csv.writer, CRLF, Python float repr)");
            } else {
                step.assertHdf5Close(f);
                for (String ds : List.of("foreground", "distances", "boundaries")) {
                    double[] a = Hdf5.read(step.expected(f), ds).toDoubleArray();
                    double[] b = Hdf5.read(step.actual(f), ds).toDoubleArray();
                    double max = 0;
                    for (int i = 0; i < a.length; i++) {
                        max = Math.max(max, Math.abs(a[i] - b[i]));
                    }
                    System.out.println(f + "/" + ds + ": max abs difference " + max);
                }
            }
        }
        try (var s = Files.list(step.actual("instance"))) {
            assertEquals(6, s.map(p -> p.getFileName().toString())
                    .filter(n -> !n.equals("cryosiam_run.json")).count(),
                    "no temporary or extra files are left behind (besides the run record; no lock file)");
        }
    }

    @Test
    void existingRawPredictionsAreReusedWithoutTheNetwork() throws IOException {
        FixtureStep step = new FixtureStep(Fixtures.pipelineSmall(), dir).before(STEP);
        for (String stem : List.of("TS_01", "TS_02")) {
            Path target = step.actual("instance/" + stem + "_preds.h5");
            Files.createDirectories(target.getParent());
            Files.copy(step.expected("instance/" + stem + "_preds.h5"), target, StandardCopyOption.REPLACE_EXISTING);
        }
        // no model and no tomograms: only the saved maps can give the instances
        Files.delete(step.work.resolve("models/instance.ckpt"));
        try (var s = Files.list(step.work.resolve("out/denoised"))) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Files.writeString(p, "not a tomogram\n");
            }
        }
        assertEquals(0, step.run("instance_predict", "configs/instance.yaml"));
        for (String stem : List.of("TS_01", "TS_02")) {
            String f = "instance/" + stem + "_instance_preds.h5";
            assertArrayEquals(Hdf5.read(step.expected(f), "instances").toLongArray(),
                    Hdf5.read(step.actual(f), "instances").toLongArray(), f);
            step.assertTableClose("instance/" + stem + "_instance_regions.csv");
            assertArrayEquals(Files.readAllBytes(step.expected("instance/" + stem + "_preds.h5")),
                    Files.readAllBytes(step.actual("instance/" + stem + "_preds.h5")), "raw maps left as they were");
        }
    }

    @Test
    void semanticPredictionsReplaceTheForeground() throws IOException {
        FixtureStep step = new FixtureStep(Fixtures.pipelineSmall(), dir).before(STEP);
        Path raw = step.actual("instance/TS_01_preds.h5");
        Files.createDirectories(raw.getParent());
        Files.copy(step.expected("instance/TS_01_preds.h5"), raw);
        Path cfg = step.work.resolve("configs/instance.yaml");
        Files.writeString(cfg, Files.readString(cfg).replace("semantic_predictions: null",
                "semantic_predictions: " + step.actual("semantic") + "\nsemantic_foreground_labels: [2, 3]"));
        assertEquals(0, step.run("instance_predict", "configs/instance.yaml", "--filename", "TS_01.mrc"));
        long[] labels = Hdf5.read(step.actual("semantic/TS_01_preds.h5"), "labels").toLongArray();
        float[] fg = new float[labels.length];
        for (int i = 0; i < fg.length; i++) {
            fg[i] = labels[i] == 2 || labels[i] == 3 ? 1f : 0f;
        }
        float[] d = Hdf5.read(raw, "distances").toFloatArray();
        int[] want = org.cryosiam.ops.InstancePostprocessing.segment(fg, d, 40, 52, 47,
                new org.cryosiam.ops.InstancePostprocessing.Parameters(0.5, 0, 2, 1));
        assertArrayEquals(want, Hdf5.read(step.actual("instance/TS_01_instance_preds.h5"), "instances").toIntArray());
    }

    @Test
    void multicutIsRefusedBeforeAnyWork() throws IOException {
        FixtureStep step = new FixtureStep(Fixtures.pipelineSmall(), dir).before(STEP);
        Path cfg = step.work.resolve("configs/instance.yaml");
        Files.writeString(cfg, Files.readString(cfg).replace("postprocessing: false", "postprocessing: true"));
        assertEquals(2, step.run("instance_predict", "configs/instance.yaml"));
        assertTrue(Files.notExists(step.actual("instance")), "nothing written");
        // with boundary_bias 1 the reference skips the multicut: the plain watershed result
        Files.writeString(cfg, Files.readString(cfg).replace("boundary_bias: 0.8", "boundary_bias: 1.0"));
        assertEquals(0, step.run("instance_predict", "configs/instance.yaml"));
        step.assertInstancesAgree("instance/TS_01_instance_preds.h5", "instances");
    }

    @Test
    void badDistanceTypeIsAUserError() throws IOException {
        FixtureStep step = new FixtureStep(Fixtures.pipelineSmall(), dir).before(STEP);
        Path cfg = step.work.resolve("configs/instance.yaml");
        Files.writeString(cfg, Files.readString(cfg).replace("distance_type: 1", "distance_type: 3"));
        assertEquals(2, step.run("instance_predict", "configs/instance.yaml"));
    }

    @Test
    void filterMatchesTheReferenceOnThePipelineCase() throws IOException {
        FixtureStep step = new FixtureStep(Fixtures.pipelineSmall(), dir).before(FILTER);
        assertEquals(0, step.run("instance_filter", "configs/instance.yaml"));
        for (String f : step.writes(FILTER)) {
            assertArrayEquals(Hdf5.read(step.expected(f), "instances").toLongArray(),
                    Hdf5.read(step.actual(f), "instances").toLongArray(), f);
            assertEquals(Hdf5.read(step.expected(f), "instances").type(), Hdf5.read(step.actual(f), "instances").type());
        }
    }
}
