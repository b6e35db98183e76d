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

    /** How an instance volume agrees with the reference's (fixtures/README.md: same id per voxel, instance count). */
    public record InstanceAgreement(int expectedCount, int actualCount, double sameIdFraction) {
        @Override
        public String toString() {
            return String.format("instances %d vs %d, %.4f %% voxels with the same id", actualCount, expectedCount,
                    100 * sameIdFraction);
        }
    }

    /**
     * The {@code dataset} of an instance output against the reference's: same shape, ≥ 99 % of voxels with the same
     * id and an instance count within max(1, 2 %).
     */
    public InstanceAgreement assertInstancesAgree(String relative, String dataset) {
        NdData w = Hdf5.read(expected(relative), dataset);
        NdData g = Hdf5.read(actual(relative), dataset);
        assertEquals(w.type(), g.type(), relative + "/" + dataset + ": dtype");
        assertEquals(java.util.Arrays.toString(w.shape()), java.util.Arrays.toString(g.shape()), relative + ": shape");
        long[] a = w.toLongArray();
        long[] b = g.toLongArray();
        long same = 0;
        for (int i = 0; i < a.length; i++) {
            if (a[i] == b[i]) {
                same++;
            }
        }
        InstanceAgreement r = new InstanceAgreement(distinctNonZero(a), distinctNonZero(b), (double) same / a.length);
        assertTrue(r.sameIdFraction() >= 0.99, relative + ": " + r);
        assertTrue(Math.abs(r.actualCount() - r.expectedCount()) <= Math.max(1, 0.02 * r.expectedCount()),
                relative + ": " + r);
        return r;
    }

    private static int distinctNonZero(long[] v) {
        return (int) java.util.Arrays.stream(v).filter(x -> x != 0).distinct().count();
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

    /**
     * A CSV or STAR output against the reference's, as fixtures/README.md says: every expected column present (more
     * are allowed), rows matched by ({@code tomo}, {@code label}) (or their RELION names), at least 97 % of the
     * expected rows equal (floats within 1e-6, text equal), row count within max(1, 2 %). Columns in {@code ignore}
     * are not compared (cluster ids, compared by adjusted Rand index instead).
     */
    public double assertTableClose(String relative, String... ignore) {
        return assertTableClose(expected(relative), actual(relative), relative, ignore);
    }

    /** {@link #assertTableClose(String, String...)} on any two files; returns the fraction of equal rows. */
    public static double assertTableClose(Path expectedFile, Path actualFile, String what, String... ignore) {
        org.cryosiam.io.Table want = readTable(expectedFile);
        org.cryosiam.io.Table got = readTable(actualFile);
        java.util.Set<String> skip = java.util.Set.of(ignore);
        for (String c : want.columns()) {
            assertTrue(got.hasColumn(c), what + ": column " + c + " missing (has " + got.columns() + ")");
        }
        int n = want.rowCount();
        assertTrue(Math.abs(got.rowCount() - n) <= Math.max(1, 0.02 * n),
                what + ": " + got.rowCount() + " rows, expected " + n);
        Map<String, Integer> gotRows = new LinkedHashMap<>();
        for (int i = 0; i < got.rowCount(); i++) {
            gotRows.put(rowKey(got, i), i);
        }
        int equal = 0;
        List<String> bad = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Integer j = gotRows.get(rowKey(want, i));
            boolean same = j != null;
            if (same) {
                for (String c : want.columns()) {
                    if (skip.contains(c)) {
                        continue;
                    }
                    String a = want.cell(i, c);
                    String b = got.cell(j, c);
                    if (a.equals(b)) {
                        continue;
                    }
                    try {
                        if (Math.abs(Double.parseDouble(a) - Double.parseDouble(b)) <= 1e-6) {
                            continue;
                        }
                    } catch (NumberFormatException e) {
                        // text differs
                    }
                    same = false;
                    bad.add("row " + rowKey(want, i) + " " + c + ": " + a + " vs " + b);
                }
            } else {
                bad.add("row " + rowKey(want, i) + " missing");
            }
            if (same) {
                equal++;
            }
        }
        assertTrue(equal >= 0.97 * n, what + ": only " + equal + " of " + n + " rows equal: "
                + bad.subList(0, Math.min(5, bad.size())));
        return n == 0 ? 1 : (double) equal / n;
    }

    private static org.cryosiam.io.Table readTable(Path f) {
        return f.toString().endsWith(".star") ? org.cryosiam.io.StarFile.readTable(f) : org.cryosiam.io.Csv.read(f);
    }

    private static String rowKey(org.cryosiam.io.Table t, int i) {
        StringBuilder k = new StringBuilder();
        for (String c : List.of("tomo", "rlnMicrographName", "label", "rlnLabel")) {
            if (t.hasColumn(c)) {
                k.append(t.cell(i, c)).append('/');
            }
        }
        return k.length() == 0 ? Integer.toString(i) : k.toString();
    }

    /** The adjusted Rand index of two labelings (Hubert and Arabie), 1 for identical partitions. */
    public static double adjustedRandIndex(long[] a, long[] b) {
        assertEquals(a.length, b.length, "labelings of different length");
        Map<Long, Integer> ia = new LinkedHashMap<>();
        Map<Long, Integer> ib = new LinkedHashMap<>();
        for (long v : a) {
            ia.putIfAbsent(v, ia.size());
        }
        for (long v : b) {
            ib.putIfAbsent(v, ib.size());
        }
        long[][] m = new long[ia.size()][ib.size()];
        for (int i = 0; i < a.length; i++) {
            m[ia.get(a[i])][ib.get(b[i])]++;
        }
        double sumComb = 0;
        double[] rows = new double[ia.size()];
        double[] cols = new double[ib.size()];
        for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < m[i].length; j++) {
                sumComb += comb2(m[i][j]);
                rows[i] += m[i][j];
                cols[j] += m[i][j];
            }
        }
        double sa = 0;
        double sb = 0;
        for (double r : rows) {
            sa += comb2(r);
        }
        for (double c : cols) {
            sb += comb2(c);
        }
        double expected = sa * sb / comb2(a.length);
        double max = (sa + sb) / 2;
        if (max == expected) {
            return 1.0;
        }
        return (sumComb - expected) / (max - expected);
    }

    private static double comb2(double n) {
        return n * (n - 1) / 2;
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
