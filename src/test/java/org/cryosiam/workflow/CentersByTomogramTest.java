package org.cryosiam.workflow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.cryosiam.io.Table;
import org.junit.jupiter.api.Test;

/**
 * The centres of many tomograms are split in one pass, and each tomogram's rows are copied in proportion to its
 * own rows: before, each tomogram scanned every row and copied every column whole (tomograms × rows).
 */
class CentersByTomogramTest {
    @Test
    void rowsAreGroupedByTomogramInFileOrder() {
        Map<String, int[]> g = EmbeddingsFromCenters.rowsByTomogram(new String[] {"b", "a", "b", "c", "b", "a"});
        assertArrayEquals(new int[] {1, 5}, g.get("a"));
        assertArrayEquals(new int[] {0, 2, 4}, g.get("b"));
        assertArrayEquals(new int[] {3}, g.get("c"));
        assertEquals(3, g.size());
    }

    @Test
    void selectedRowsKeepColumnsTypesAndOrder() {
        Table t = Table.builder("c.csv").longs("label", new long[] {1, 2, 3, 4})
                .strings("tomo", new String[] {"a", "b", "a", "b"})
                .doubles("centroid-0", new double[] {0.5, 1.5, 2.5, 3.5}).build();
        Table s = RegionTables.rows(t, new int[] {3, 1});
        assertEquals(t.columns(), s.columns());
        assertEquals(2, s.rowCount());
        assertArrayEquals(new long[] {4, 2}, s.longs("label"));
        assertArrayEquals(new String[] {"b", "b"}, s.strings("tomo"));
        assertArrayEquals(new double[] {3.5, 1.5}, s.doubles("centroid-0"));
        assertEquals(Table.ColumnType.DOUBLE, s.type("centroid-0"));
        assertEquals("c.csv", s.source());
    }

    /** 200 000 centres over 5 000 tomograms: linear work, a fraction of a second (tomograms × rows: 10^9 steps). */
    @Test
    void manyTomogramsAreSplitInLinearTime() {
        int n = 200_000;
        String[] tomo = new String[n];
        long[] label = new long[n];
        for (int i = 0; i < n; i++) {
            tomo[i] = "TS_" + (i * 7919 % 5000);
            label[i] = i + 1;
        }
        Table t = Table.builder().longs("label", label).strings("tomo", tomo).build();
        long t0 = System.nanoTime();
        Map<String, int[]> g = EmbeddingsFromCenters.rowsByTomogram(t.strings("tomo"));
        long total = 0;
        for (int[] rows : g.values()) {
            total += RegionTables.rows(t, rows).rowCount();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(n, total);
        assertTrue(seconds < 2, seconds + " s");
    }
}
