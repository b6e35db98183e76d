package org.cryosiam.commands;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import org.cryosiam.FixtureStep;
import org.cryosiam.Fixtures;
import org.cryosiam.io.Hdf5;
import org.cryosiam.io.NdData;
import org.cryosiam.ops.DumbbellPhantom;
import org.cryosiam.ops.InstancePostprocessing;
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
    void multicutMergesWatershedRegionsAndTheTableFollows() throws IOException {
        FixtureStep step = new FixtureStep(Fixtures.pipelineSmall(), dir).before(STEP);
        Path raw = step.actual("instance/TS_01_preds.h5");
        Files.createDirectories(raw.getParent());
        Files.copy(step.expected("instance/TS_01_preds.h5"), raw);
        Path cfg = step.work.resolve("configs/instance.yaml");
        Files.writeString(cfg, Files.readString(cfg).replace("postprocessing: false", "postprocessing: true"));
        assertEquals(0, step.run("instance_predict", "configs/instance.yaml", "--filename", "TS_01.mrc"));
        int[] got = Hdf5.read(step.actual("instance/TS_01_instance_preds.h5"), "instances").toIntArray();
        // the watershed of the same maps, then the merge with the config's boundary_bias (0.8)
        int[] ws = InstancePostprocessing.segment(Hdf5.read(raw, "foreground").toFloatArray(),
                Hdf5.read(raw, "distances").toFloatArray(), 40, 52, 47,
                new InstancePostprocessing.Parameters(0.5, 0, 2, 1));
        assertArrayEquals(InstancePostprocessing.multicutMerge(ws, Hdf5.read(raw, "boundaries").toFloatArray(),
                40, 52, 47, 0.8), got);
        Map<Integer, Integer> into = new HashMap<>();
        for (int i = 0; i < ws.length; i++) {
            assertEquals(ws[i] == 0, got[i] == 0, "same foreground");
            Integer first = into.putIfAbsent(ws[i], got[i]);
            if (first != null) {
                assertEquals(first.intValue(), got[i], "watershed region " + ws[i] + " lies in one instance");
            }
        }
        TreeSet<Integer> ids = new TreeSet<>(into.values());
        ids.remove(0);
        System.out.println("multicut: " + (into.size() - 1) + " watershed regions -> " + ids.size() + " instances");
        assertEquals(ids.size(), ids.last(), "ids 1..n");
        List<String> rows = Files.readAllLines(step.actual("instance/TS_01_instance_regions.csv"));
        assertEquals(ids.size() + 1, rows.size(), "one row per instance");
        for (int r = 1; r < rows.size(); r++) {
            assertEquals(String.valueOf(r), rows.get(r).split(",")[0]);
        }
    }

    @Test
    void multicutJoinsAWeakWaistThroughTheCommand() throws IOException {
        // saved maps of two dumbbells (DumbbellPhantom) as TS_01's raw predictions: 4 watershed regions, 3 instances
        FixtureStep step = new FixtureStep(Fixtures.pipelineSmall(), dir).before(STEP);
        DumbbellPhantom p = new DumbbellPhantom();
        int[] shape = {DumbbellPhantom.NZ, DumbbellPhantom.NY, DumbbellPhantom.NX};
        Path raw = step.actual("instance/TS_01_preds.h5");
        Files.createDirectories(raw.getParent());
        Map<String, NdData> maps = new LinkedHashMap<>();
        maps.put("foreground", NdData.float32(p.foreground, shape));
        maps.put("distances", NdData.float32(p.distances, shape));
        maps.put("boundaries", NdData.float32(p.boundaries, shape));
        Hdf5.write(raw, maps);
        Path cfg = step.work.resolve("configs/instance.yaml");
        Files.writeString(cfg, Files.readString(cfg).replace("postprocessing: false", "postprocessing: true")
                .replace("boundary_bias: 0.8", "boundary_bias: 0.5").replace("min_center_distance: 0",
                        "min_center_distance: 4").replace("max_center_distance: 2", "max_center_distance: 4")
                .replace("distance_type: 1", "distance_type: 0"));
        assertEquals(0, step.run("instance_predict", "configs/instance.yaml", "--filename", "TS_01.mrc"));
        int[] got = Hdf5.read(step.actual("instance/TS_01_instance_preds.h5"), "instances").toIntArray();
        assertEquals(1, got[DumbbellPhantom.centre(0)]);
        assertEquals(1, got[DumbbellPhantom.centre(1)]);
        assertEquals(2, got[DumbbellPhantom.centre(2)]);
        assertEquals(3, got[DumbbellPhantom.centre(3)]);
        assertEquals(4, Files.readAllLines(step.actual("instance/TS_01_instance_regions.csv")).size(),
                "header and three instances");
    }

    @Test
    void multicutNeedsABiasBelowOneAndTheBoundaryMap() throws IOException {
        FixtureStep step = new FixtureStep(Fixtures.pipelineSmall(), dir).before(STEP);
        Path cfg = step.work.resolve("configs/instance.yaml");
        String text = Files.readString(cfg).replace("postprocessing: false", "postprocessing: true");
        Files.writeString(cfg, text.replace("boundary_bias: 0.8", "boundary_bias: 1.5"));
        assertEquals(2, step.run("instance_predict", "configs/instance.yaml"));
        assertTrue(Files.notExists(step.actual("instance")), "nothing written");
        // saved maps without 'boundaries' cannot feed the multicut
        Path raw = step.actual("instance/TS_01_preds.h5");
        Files.createDirectories(raw.getParent());
        Path ref = step.expected("instance/TS_01_preds.h5");
        Hdf5.write(raw, new LinkedHashMap<>(Map.of("foreground", Hdf5.read(ref, "foreground"),
                "distances", Hdf5.read(ref, "distances"))));
        Files.writeString(cfg, text);
        assertEquals(2, step.run("instance_predict", "configs/instance.yaml", "--filename", "TS_01.mrc"));
        // with boundary_bias 1 the reference skips the multicut: the plain watershed result
        Files.writeString(cfg, text.replace("boundary_bias: 0.8", "boundary_bias: 1.0"));
        Files.delete(raw);
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

    /** The Python docs' filtering_mask_extension: '.mrc' over .h5 predictions (issue 28, item 14) says what to do. */
    @Test
    void filterNamesTheMaskFileTheFolderHolds() throws IOException {
        FixtureStep step = new FixtureStep(Fixtures.pipelineSmall(), dir).before(FILTER);
        Path cfg = step.work.resolve("configs/instance.yaml");
        Files.writeString(cfg, Files.readString(cfg) + "filtering_mask_extension: '.mrc'\n");
        ProcessingSupport.run(step, "instance_filter", "instance.yaml").assertUserError("TS_01.mrc: mask not found "
                + "(filtering_mask_folder, filtering_mask_extension); the folder holds TS_01_preds.h5 (semantic_predict "
                + "writes its labels as .h5): remove filtering_mask_extension to read it.");
    }
}
