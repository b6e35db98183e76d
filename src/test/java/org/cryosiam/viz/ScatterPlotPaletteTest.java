package org.cryosiam.viz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;

import org.junit.jupiter.api.Test;

/** Colours and legends that every reader can use (issue 28, item 15). */
class ScatterPlotPaletteTest {
    @Test
    void upToEightCategoriesTakeOkabeItoAndMoreTakeDistinctViridisSteps() {
        assertArrayEquals(Arrays.copyOf(ScatterPlot.OKABE_ITO, 3), ScatterPlot.palette(3));
        assertEquals("#E69F00", ScatterPlot.palette(8)[0]);
        for (int n : new int[] {9, 24, 60}) {
            String[] p = ScatterPlot.palette(n);
            assertEquals(n, new HashSet<>(Arrays.asList(p)).size(), n + " categories, " + n + " colours");
            assertEquals("#440154", p[0], "viridis' first stop");
            assertEquals("#FDE725", p[n - 1], "viridis' last stop");
        }
    }

    @Test
    void aLegendLongerThanThePictureEndsWithHowManyMore() throws java.io.IOException {
        // a line's baseline is top + 32 + 18 k: every line listed, and the "… and N more" one, lies above the bottom
        int shown = ScatterPlot.legendEntries(60, 50, 740);
        assertEquals(36, shown);
        assertTrue(50 + 32 + 18 * shown <= 740);
        assertEquals(5, ScatterPlot.legendEntries(5, 50, 740));
        assertEquals(37, ScatterPlot.legendEntries(37, 50, 740), "exactly as many as fit: no summary line");
        double[][] xy = new double[60][];
        String[] cats = new String[60];
        for (int i = 0; i < 60; i++) {
            xy[i] = new double[] {i, i % 7};
            cats[i] = "cluster " + i;
        }
        assertEquals(750, new ScatterPlot("t", xy).colourByCategory("cluster", cats).png(1000, 750).getHeight());
        String html = new String(ScatterPlot.class.getResourceAsStream("scatter.html").readAllBytes(),
                java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(html.contains("overflow-y:auto") && html.contains("flex-wrap:wrap"), "the page's legend scrolls");
    }
}
