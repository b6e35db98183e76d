package org.cryosiam.io;

import org.cryosiam.Python;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TableFormatsTest {
    @TempDir
    Path dir;

    @Test
    void pythonReprOfFloats() {
        assertEquals("12.0", PythonFloat.repr(12.0));
        assertEquals("0.1", PythonFloat.repr(0.1));
        assertEquals("1e-05", PythonFloat.repr(1e-5));
        assertEquals("0.0001", PythonFloat.repr(1e-4));
        assertEquals("1.5e+16", PythonFloat.repr(1.5e16));
        assertEquals("1000000000000000.0", PythonFloat.repr(1e15));
        assertEquals("nan", PythonFloat.repr(Double.NaN));
        assertEquals("-inf", PythonFloat.repr(Double.NEGATIVE_INFINITY));
        assertEquals("-0.0", PythonFloat.repr(-0.0));
        assertEquals("16.523809523809526", PythonFloat.repr(347.0 / 21.0));
        assertEquals("5e-324", PythonFloat.repr(Double.MIN_VALUE));
        assertEquals("1.7976931348623157e+308", PythonFloat.repr(Double.MAX_VALUE));
    }

    /** Thousands of doubles of every magnitude: our repr must equal CPython's, character for character. */
    @Test
    void pythonReprMatchesCPython() throws IOException {
        Random rnd = new Random(42);
        double[] v = new double[3000];
        for (int i = 0; i < v.length; i++) {
            switch (i % 4) {
                case 0 -> v[i] = Double.longBitsToDouble(rnd.nextLong()); // any bit pattern
                case 1 -> v[i] = rnd.nextDouble() * Math.pow(10, rnd.nextInt(40) - 20);
                case 2 -> v[i] = rnd.nextInt(100000) / 7.0;
                default -> v[i] = Math.scalb(1.0, rnd.nextInt(2000) - 1000); // powers of two: uneven gaps
            }
        }
        Path hex = dir.resolve("values.txt");
        Files.write(hex, java.util.Arrays.stream(v).mapToObj(Double::toHexString).collect(Collectors.toList()));
        List<String> py = List.of(Python.run("import sys\n"
                + "print('\\n'.join(repr(float.fromhex(l.strip())) for l in open(sys.argv[1])))", hex).split("\n"));
        for (int i = 0; i < v.length; i++) {
            assertEquals(py.get(i), PythonFloat.repr(v[i]), "value " + Double.toHexString(v[i]));
        }
    }

    @Test
    void csvRoundTripKeepsTypesAndQuotes() {
        Table t = Table.builder()
                .longs("label", new long[] {2, 4, -1})
                .doubles("area", new double[] {21, 0.1, Double.NaN})
                .strings("tomo", new String[] {"TS_01", "a,b", "say \"hi\""})
                .build();
        Path f = dir.resolve("t.csv");
        Csv.write(f, t);
        assertEquals("label,area,tomo\n2,21.0,TS_01\n4,0.1,\"a,b\"\n-1,,\"say \"\"hi\"\"\"\n", read(f));
        Table back = Csv.read(f);
        assertEquals(List.of("label", "area", "tomo"), back.columns());
        assertEquals(Table.ColumnType.LONG, back.type("label"));
        assertArrayEquals(new long[] {2, 4, -1}, back.longs("label"));
        assertTrue(Double.isNaN(back.doubles("area")[2]));
        assertArrayEquals(new String[] {"TS_01", "a,b", "say \"hi\""}, back.strings("tomo"));
        Path f2 = dir.resolve("t2.csv");
        Csv.write(f2, t, Csv.Dialect.PYTHON_CSV);
        assertEquals("label,area,tomo\r\n2,21.0,TS_01\r\n4,0.1,\"a,b\"\r\n-1,nan,\"say \"\"hi\"\"\"\r\n", read(f2));
        assertTrue(Double.isNaN(Csv.read(f2).doubles("area")[2]));
        // Python's csv module reads it the same way
        assertEquals("['label', 'area', 'tomo'] int64 float64 [2, 4, -1] 'a,b' True", Python.run(
                "import sys, csv, math\n"
                + "rows = list(csv.reader(open(sys.argv[1])))\n"
                + "h, body = rows[0], rows[1:]\n"
                + "labels = [int(r[0]) for r in body]\n"
                + "print(h, 'int64', 'float64', labels, repr(body[1][2]), body[2][1] == '')", f));
    }

    @Test
    void headerOnlyCsvIsAnEmptyTable() throws IOException {
        Path f = dir.resolve("e.csv");
        Files.writeString(f, "label,area,centroid-0,centroid-1,centroid-2,tomo\n");
        Table t = Csv.read(f);
        assertEquals(0, t.rowCount());
        assertEquals(6, t.columns().size());
        assertEquals(0, t.doubles("area").length);
    }

    @Test
    void starWithSeveralBlocksQuotesAndComments() throws IOException {
        Path f = dir.resolve("multi.star");
        Files.writeString(f, "# RELION optimiser\n"
                + "data_optics\n\n"
                + "_rlnOpticsGroup 1\n"
                + "_rlnVoltage  300.0  # kV\n\n"
                + "data_particles\n\n"
                + "loop_\n"
                + "_rlnCoordinateX #1\n"
                + "_rlnMicrographName #2\n"
                + "_rlnClass #3\n"
                + "10.5\t\"my tomo.mrc\"\t1\n"
                + "  11  'it''s' 2   # trailing comment\n"
                + "12.25 plain 3\n\n"
                + "data_empty\n\nloop_\n_rlnA #1\n_rlnB #2\n\n");
        Map<String, Table> blocks = StarFile.read(f);
        assertEquals(List.of("optics", "particles", "empty"), List.copyOf(blocks.keySet()));
        assertEquals(300.0, blocks.get("optics").doubles("rlnVoltage")[0]);
        assertArrayEquals(new long[] {1}, blocks.get("optics").longs("rlnOpticsGroup"));
        Table p = StarFile.readTable(f);
        assertEquals(3, p.rowCount());
        assertArrayEquals(new double[] {10.5, 11, 12.25}, p.doubles("rlnCoordinateX"));
        assertArrayEquals(new String[] {"my tomo.mrc", "it''s", "plain"}, p.strings("rlnMicrographName"));
        assertArrayEquals(new int[] {1, 2, 3}, p.ints("rlnClass"));
        assertEquals(0, blocks.get("empty").rowCount());
        assertEquals(List.of("rlnA", "rlnB"), blocks.get("empty").columns());
        // one row per line, as RELION and the starfile package read loops: a row split over two lines (or cut
        // short) is an error naming its line, never values shifted into the next row
        Files.writeString(f, Files.readString(f).replace("12.25 plain 3\n", "12.25 plain\n3\n"));
        CryosiamUserException e = assertThrows(CryosiamUserException.class, () -> StarFile.read(f));
        assertTrue(e.getMessage().startsWith(f + ": line 15: the row has 2 values"), e.getMessage());
    }

    @Test
    void starWriteMatchesTheStarfileLayoutAndRoundTrips() {
        Table t = Table.builder()
                .longs("rlnLabel", new long[] {1, 2})
                .doubles("rlnCoordinateZ", new double[] {11.734375, 3.0})
                .strings("rlnMicrographName", new String[] {"TS_02", "with space"})
                .build();
        Path f = dir.resolve("o.star");
        StarFile.write(f, t);
        assertEquals("\ndata_\n\nloop_\n_rlnLabel #1\n_rlnCoordinateZ #2\n_rlnMicrographName #3\n"
                + "1\t11.734375\tTS_02\n2\t3.0\t\"with space\"\n\n", read(f));
        Table back = StarFile.readTable(f);
        assertArrayEquals(new long[] {1, 2}, back.longs("rlnLabel"));
        assertArrayEquals(new String[] {"TS_02", "with space"}, back.strings("rlnMicrographName"));
        Path empty = dir.resolve("empty.star");
        StarFile.write(empty, Table.builder().longs("rlnLabel", new long[0]).doubles("rlnArea", new double[0]).build());
        assertEquals("\ndata_\n\nloop_\n_rlnLabel #1\n_rlnArea #2\n\n", read(empty));
        assertEquals(0, StarFile.readTable(empty).rowCount());
    }

    /** The reference's tables, read and written back, are identical byte for byte. */
    @Test
    void fixtureTablesRewriteIdentically() throws IOException {
        Path expected = Fixtures.pipelineSmall().resolve("expected");
        List<Path> files;
        try (Stream<Path> s = Files.walk(expected)) {
            files = s.filter(p -> p.toString().endsWith(".csv") || p.toString().endsWith(".star")).sorted()
                    .collect(Collectors.toList());
        }
        assertTrue(files.size() >= 20, "found " + files.size());
        for (Path p : files) {
            Path out = dir.resolve(p.getFileName());
            if (p.toString().endsWith(".csv")) {
                boolean crlf = read(p).contains("\r\n"); // the reference's csv.writer files
                Csv.write(out, Csv.read(p), crlf ? Csv.Dialect.PYTHON_CSV : Csv.Dialect.PANDAS);
            } else {
                StarFile.write(out, StarFile.readTable(p));
            }
            assertEquals(read(p), read(out), p.toString());
        }
    }

    /** Values checked against the text itself: split by hand, not through our parser. */
    @Test
    void fixtureCsvValuesMatchTheText() throws IOException {
        Path p = Fixtures.pipelineSmall().resolve("expected/embeds/TS_01_instance_regions.csv");
        List<String> lines = Files.readAllLines(p);
        Table t = Csv.read(p);
        assertEquals(lines.size() - 1, t.rowCount());
        String[] header = lines.get(0).split(",");
        assertEquals(List.of(header), t.columns());
        String[] last = lines.get(lines.size() - 1).split(",");
        int col = List.of(header).indexOf("centroid-2");
        assertEquals(Double.parseDouble(last[col]), t.doubles("centroid-2")[t.rowCount() - 1]);
        assertEquals(Long.parseLong(last[0]), t.longs("label")[t.rowCount() - 1]);
        assertEquals(Table.ColumnType.DOUBLE, t.type("area"));
        assertEquals(Table.ColumnType.LONG, t.type("bbox-0"));
    }

    @Test
    void missingColumnAndBadFilesNameTheFile() throws IOException {
        Path f = dir.resolve("x.csv");
        Files.writeString(f, "a,b\n1,2\n3\n");
        CryosiamUserException e = assertThrows(CryosiamUserException.class, () -> Csv.read(f));
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
        Files.writeString(f, "a,b\n1,x\n");
        Table t = Csv.read(f);
        e = assertThrows(CryosiamUserException.class, () -> t.doubles("c"));
        assertTrue(e.getMessage().startsWith(f.toString()) && e.getMessage().contains("'c'"), e.getMessage());
        e = assertThrows(CryosiamUserException.class, () -> t.doubles("b"));
        assertTrue(e.getMessage().contains("not numeric"), e.getMessage());
        Path s = dir.resolve("bad.star");
        Files.writeString(s, "data_\nloop_\n_rlnA #1\n_rlnB #2\n1 2 3\n");
        e = assertThrows(CryosiamUserException.class, () -> StarFile.readTable(s));
        assertTrue(e.getMessage().startsWith(s.toString()) && e.getMessage().contains("line 5: the row has 3 values"),
                e.getMessage());
        Path two = dir.resolve("two.star");
        Files.writeString(two, "data_a\n_rlnX 1\ndata_b\n_rlnX 2\n");
        e = assertThrows(CryosiamUserException.class, () -> StarFile.readTable(two));
        assertTrue(e.getMessage().contains("data_particles"), e.getMessage());
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }
}
