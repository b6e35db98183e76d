package org.cryosiam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.cryosiam.io.Hdf5;
import org.cryosiam.io.MrcReader;
import org.cryosiam.io.NdData;
import org.yaml.snakeyaml.Yaml;

/**
 * Runs one step of a golden case the way {@code fixtures/README.md} says: a fresh copy of the case's models,
 * tomograms and configs, the expected outputs of every earlier step in {@code out/}, then the step's command through
 * the real CLI entry point. Config paths are relative to the case folder; the copy's configs are rewritten to
 * absolute paths because a test cannot change the JVM's working directory.
 */
public final class FixtureStep {
    public final Path caseDir;
    public final Path work;
    private final List<Map<String, Object>> provenance;

    @SuppressWarnings("unchecked")
    public FixtureStep(Path caseDir, Path work) throws IOException {
        this.caseDir = caseDir;
        this.work = work;
        this.provenance = (List<Map<String, Object>>) new Yaml().load(Files.readString(caseDir.resolve("provenance.yaml")));
        for (String dir : List.of("models", "tomograms")) {
            copyTree(caseDir.resolve(dir), work.resolve(dir));
        }
        Files.createDirectories(work.resolve("configs"));
        try (Stream<Path> s = Files.list(caseDir.resolve("configs"))) {
            for (Path c : (Iterable<Path>) s::iterator) {
                Object yaml = new Yaml().load(Files.readString(c));
                Files.writeString(work.resolve("configs").resolve(c.getFileName()), new Yaml().dump(absolute(yaml)));
            }
        }
    }

    /** Puts into {@code out/} the expected files written by the steps before {@code step} (e.g. "semantic_predict configs/semantic.yaml"). */
    public FixtureStep before(String step) throws IOException {
        for (Map<String, Object> p : provenance) {
            if (p.get("step").equals(step)) {
                return this;
            }
            for (Object f : (List<?>) p.get("writes")) {
                Path target = work.resolve("out").resolve(f.toString());
                Files.createDirectories(target.getParent());
                Files.copy(caseDir.resolve("expected").resolve(f.toString()), target,
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        throw new IllegalArgumentException("no step " + step + " in provenance.yaml");
    }

    /** The files (relative to {@code out/}) that the step wrote in the reference run. */
    public List<String> writes(String step) {
        for (Map<String, Object> p : provenance) {
            if (p.get("step").equals(step)) {
                List<String> out = new ArrayList<>();
                for (Object f : (List<?>) p.get("writes")) {
                    out.add(f.toString());
                }
                return out;
            }
        }
        throw new IllegalArgumentException("no step " + step);
    }

    /** Runs {@code cryosiam <command> --config_file configs/<yaml>} and returns the exit code. */
    public int run(String command, String config, String... extra) {
        List<String> args = new ArrayList<>(List.of("--quiet", command, "--config_file",
                work.resolve(config).toString()));
        args.addAll(List.of(extra));
        return Main.run(args.toArray(String[]::new));
    }

    public Path expected(String relative) {
        return caseDir.resolve("expected").resolve(relative);
    }

    public Path actual(String relative) {
        return work.resolve("out").resolve(relative);
    }

    /** Every dataset of an HDF5 output equals the reference's within the float tolerance of fixtures/README.md. */
    public void assertHdf5Close(String relative) {
        Map<String, NdData> want = Hdf5.readAll(expected(relative));
        Map<String, NdData> got = Hdf5.readAll(actual(relative));
        assertEquals(want.keySet(), got.keySet(), relative + ": datasets");
        for (String name : want.keySet()) {
            NdData w = want.get(name);
            NdData g = got.get(name);
            assertEquals(w.type(), g.type(), relative + "/" + name + ": dtype");
            assertEquals(java.util.Arrays.toString(w.shape()), java.util.Arrays.toString(g.shape()), relative + "/" + name + ": shape");
            assertFloatsClose(w.toDoubleArray(), g.toDoubleArray(), relative + "/" + name);
        }
    }

    /** An MRC output equals the reference's within the float tolerance, with the same voxel size. */
    public void assertMrcClose(String relative) {
        org.cryosiam.volume.Volume w = MrcReader.read(expected(relative));
        org.cryosiam.volume.Volume g = MrcReader.read(actual(relative));
        assertEquals(java.util.Arrays.toString(w.shape()), java.util.Arrays.toString(g.shape()), relative + ": shape");
        for (int i = 0; i < 3; i++) {
            assertEquals(w.voxelSize()[i], g.voxelSize()[i], 1e-4, relative + ": voxel size");
        }
        double[] a = new double[w.data().length];
        double[] b = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            a[i] = w.data()[i];
            b[i] = g.data()[i];
        }
        assertFloatsClose(a, b, relative);
    }

    /** max |a − b| ≤ 1e-4 × max(1, max |a|), the rule for float maps. */
    public static void assertFloatsClose(double[] want, double[] got, String what) {
        assertEquals(want.length, got.length, what + ": size");
        double maxRef = 0;
        double maxDiff = 0;
        for (int i = 0; i < want.length; i++) {
            maxRef = Math.max(maxRef, Math.abs(want[i]));
            maxDiff = Math.max(maxDiff, Math.abs(want[i] - got[i]));
        }
        double tol = 1e-4 * Math.max(1, maxRef);
        assertTrue(maxDiff <= tol, what + ": max abs difference " + maxDiff + " > " + tol);
    }

    // ---- semantic outputs (labels agreement, CSV/STAR rows) ----

    /**
     * An HDF5 output of a semantic step: float datasets within the float tolerance, integer datasets ({@code labels})
     * with the reference's dtype and shape and at least {@code 99.9 %} of voxels equal. Returns the fraction of equal
     * label voxels (1 when the file has no integer dataset).
     */
    public double assertLabelsH5(String relative) {
        Map<String, NdData> want = Hdf5.readAll(expected(relative));
        Map<String, NdData> got = Hdf5.readAll(actual(relative));
        assertEquals(want.keySet(), got.keySet(), relative + ": datasets");
        double worst = 1;
        for (String name : want.keySet()) {
            NdData w = want.get(name);
            NdData g = got.get(name);
            assertEquals(w.type(), g.type(), relative + "/" + name + ": dtype");
            assertEquals(java.util.Arrays.toString(w.shape()), java.util.Arrays.toString(g.shape()),
                    relative + "/" + name + ": shape");
            if (w.type().floating()) {
                assertFloatsClose(w.toDoubleArray(), g.toDoubleArray(), relative + "/" + name);
            } else {
                double f = equalFraction(w.toLongArray(), g.toLongArray());
                assertTrue(f >= 0.999, relative + "/" + name + ": only " + 100 * f + " % of voxels equal");
                worst = Math.min(worst, f);
            }
        }
        return worst;
    }

    /** The fraction of equal elements. */
    public static double equalFraction(long[] a, long[] b) {
        assertEquals(a.length, b.length, "sizes");
        long same = 0;
        for (int i = 0; i < a.length; i++) {
            if (a[i] == b[i]) {
                same++;
            }
        }
        return a.length == 0 ? 1 : (double) same / a.length;
    }

    /**
     * A CSV or STAR table output against the reference (fixtures/README.md): the reference's columns all present,
     * row count within max(1, 2 %), rows matched by the key columns, at least 97 % of matched rows equal (numbers
     * within 1e-6, text exactly). Returns the fraction of equal rows.
     *
     * @param keys the key columns, e.g. {@code "tomo", "label"} or {@code "rlnMicrographName", "rlnLabel"}
     */
    public double assertTableRowsMatch(String relative, String... keys) {
        org.cryosiam.io.Table want = readTable(expected(relative));
        org.cryosiam.io.Table got = readTable(actual(relative));
        for (String c : want.columns()) {
            assertTrue(got.hasColumn(c), relative + ": column " + c + " missing");
        }
        int n = want.rowCount();
        assertTrue(Math.abs(got.rowCount() - n) <= Math.max(1, 0.02 * n),
                relative + ": " + got.rowCount() + " rows, the reference has " + n);
        Map<String, Integer> byKey = new java.util.HashMap<>();
        for (int r = 0; r < got.rowCount(); r++) {
            byKey.put(key(got, r, keys), r);
        }
        int equal = 0;
        for (int r = 0; r < n; r++) {
            Integer g = byKey.get(key(want, r, keys));
            if (g != null && rowEquals(want, r, got, g)) {
                equal++;
            }
        }
        double f = n == 0 ? 1 : (double) equal / n;
        assertTrue(f >= 0.97, relative + ": only " + equal + " of " + n + " rows equal");
        return f;
    }

    private static org.cryosiam.io.Table readTable(Path file) {
        return file.toString().endsWith(".star") ? org.cryosiam.io.StarFile.readTable(file)
                : org.cryosiam.io.Csv.read(file);
    }

    private static String key(org.cryosiam.io.Table t, int row, String... keys) {
        StringBuilder b = new StringBuilder();
        for (String k : keys) {
            String v = t.cell(row, k);
            try {
                v = Long.toString((long) Double.parseDouble(v));
            } catch (NumberFormatException ignored) {
                // text key
            }
            b.append(v).append('\u0000');
        }
        return b.toString();
    }

    private static boolean rowEquals(org.cryosiam.io.Table want, int r, org.cryosiam.io.Table got, int g) {
        for (String c : want.columns()) {
            String a = want.cell(r, c);
            String b = got.cell(g, c);
            if (a.equals(b)) {
                continue;
            }
            try {
                if (Math.abs(Double.parseDouble(a) - Double.parseDouble(b)) > 1e-6) {
                    return false;
                }
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return true;
    }

    private Object absolute(Object v) {
        if (v instanceof Map) {
            Map<Object, Object> m = new LinkedHashMap<>();
            ((Map<?, ?>) v).forEach((k, x) -> m.put(k, absolute(x)));
            return m;
        }
        if (v instanceof List) {
            List<Object> l = new ArrayList<>();
            ((List<?>) v).forEach(x -> l.add(absolute(x)));
            return l;
        }
        if (v instanceof String) {
            String s = (String) v;
            for (String root : List.of("out", "models", "tomograms", "configs", "truth")) {
                if (s.equals(root) || s.startsWith(root + "/")) {
                    return work.resolve(s).toString();
                }
            }
        }
        return v;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> s = Files.list(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Files.copy(p, to.resolve(p.getFileName()));
            }
        }
    }
}
