package org.cryosiam.viz;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.cryosiam.io.AtomicFile;
import org.cryosiam.io.Json;
import org.cryosiam.io.OutputSink;

/**
 * A 2-D or 3-D scatter of projected embeddings, coloured by a category (cluster, class) or by a continuous value
 * ({@code log_area}), written two ways: a self-contained interactive HTML page (our own small canvas renderer
 * embedded in the file — no network, no plotting library; hover shows every metadata column of a point, the legend
 * toggles categories, 3-D plots rotate by dragging) and a static PNG of the same scatter for reports (Java2D).
 */
public final class ScatterPlot {
    /**
     * Okabe and Ito's eight colours, told apart by readers with any common colour-vision deficiency (the reference's
     * Plotly Light24 puts red next to green). More categories than these take {@link #palette}'s viridis steps.
     */
    static final String[] OKABE_ITO = {"#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7",
        "#000000"};
    /** Viridis stops for continuous colours. */
    static final int[][] VIRIDIS = {{68, 1, 84}, {72, 40, 120}, {62, 74, 137}, {49, 104, 142}, {38, 130, 142},
        {31, 158, 137}, {53, 183, 121}, {109, 205, 89}, {180, 222, 44}, {253, 231, 37}};

    private final String title;
    private final double[][] xyz;
    private final Map<String, String[]> hover = new LinkedHashMap<>();
    private String colourName;
    private String[] categories;
    private double[] values;

    /** @param xyz n points of 2 or 3 coordinates */
    public ScatterPlot(String title, double[][] xyz) {
        this.title = title;
        this.xyz = xyz;
    }

    /** A metadata column shown on hover (text as it should appear). */
    public ScatterPlot hover(String name, String[] cells) {
        hover.put(name, cells);
        return this;
    }

    public ScatterPlot colourByCategory(String name, String[] perPoint) {
        colourName = name;
        categories = perPoint;
        values = null;
        return this;
    }

    public ScatterPlot colourByValue(String name, double[] perPoint) {
        colourName = name;
        values = perPoint;
        categories = null;
        return this;
    }

    private int dims() {
        return xyz.length == 0 ? 2 : xyz[0].length;
    }

    /** The distinct categories in order of first appearance, numerically sorted when they are all numbers. */
    List<String> categoryOrder() {
        List<String> order = new ArrayList<>(new java.util.LinkedHashSet<>(java.util.Arrays.asList(categories)));
        boolean numeric = order.stream().allMatch(s -> s.matches("-?[0-9]+(\\.[0-9]*)?"));
        if (numeric) {
            order.sort((a, b) -> Double.compare(Double.parseDouble(a), Double.parseDouble(b)));
        }
        return order;
    }

    // ---------------------------------------------------------------- HTML

    /** Writes the interactive page, an output of the run of {@code outputs}. */
    public void writeHtml(Path file, OutputSink outputs) {
        String html = html();
        AtomicFile.write(file, tmp -> Files.writeString(tmp, html, StandardCharsets.UTF_8), outputs);
    }

    String html() {
        StringBuilder j = new StringBuilder();
        j.append("{\"title\":").append(str(title)).append(",\"dims\":").append(dims());
        j.append(",\"colour\":").append(str(colourName == null ? "" : colourName));
        j.append(",\"pts\":[");
        for (int i = 0; i < xyz.length; i++) {
            if (i > 0) {
                j.append(',');
            }
            j.append('[');
            for (int d = 0; d < xyz[i].length; d++) {
                if (d > 0) {
                    j.append(',');
                }
                j.append(num(xyz[i][d]));
            }
            j.append(']');
        }
        j.append("],\"cols\":[");
        boolean first = true;
        for (String c : hover.keySet()) {
            j.append(first ? "" : ",").append(str(c));
            first = false;
        }
        j.append("],\"rows\":[");
        for (int i = 0; i < xyz.length; i++) {
            j.append(i > 0 ? ",[" : "[");
            first = true;
            for (String[] col : hover.values()) {
                j.append(first ? "" : ",").append(str(col[i]));
                first = false;
            }
            j.append(']');
        }
        j.append(']');
        if (categories != null) {
            List<String> order = categoryOrder();
            j.append(",\"cats\":[");
            for (int c = 0; c < order.size(); c++) {
                j.append(c > 0 ? "," : "").append(str(order.get(c)));
            }
            j.append("],\"cat\":[");
            Map<String, Integer> index = new LinkedHashMap<>();
            for (int c = 0; c < order.size(); c++) {
                index.put(order.get(c), c);
            }
            for (int i = 0; i < categories.length; i++) {
                j.append(i > 0 ? "," : "").append(index.get(categories[i]));
            }
            j.append("],\"palette\":[");
            String[] palette = palette(order.size());
            for (int c = 0; c < palette.length; c++) {
                j.append(c > 0 ? "," : "").append(str(palette[c]));
            }
            j.append(']');
        } else if (values != null) {
            j.append(",\"val\":[");
            for (int i = 0; i < values.length; i++) {
                j.append(i > 0 ? "," : "").append(num(values[i]));
            }
            j.append("],\"viridis\":[");
            for (int c = 0; c < VIRIDIS.length; c++) {
                j.append(c > 0 ? "," : "").append('[').append(VIRIDIS[c][0]).append(',').append(VIRIDIS[c][1])
                        .append(',').append(VIRIDIS[c][2]).append(']');
            }
            j.append(']');
        }
        j.append('}');
        String data = j.toString().replace("</", "<\\/");
        String page;
        try (var in = ScatterPlot.class.getResourceAsStream("scatter.html")) {
            page = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("scatter.html template missing from the jar", e);
        }
        return page.replace("%%TITLE%%", escapeHtml(title)).replace("%%DATA%%", data);
    }

    private static String num(double v) {
        if (!Double.isFinite(v)) {
            return "null";
        }
        return Double.toString(v);
    }

    static String str(String s) {
        return Json.scriptString(s);
    }

    private static String escapeHtml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    // ---------------------------------------------------------------- PNG

    /** Writes the static image, an output of the run of {@code outputs}. */
    public void writePng(Path file, OutputSink outputs) {
        PlotFrame.writePng(png(1000, 750), file, outputs);
    }

    BufferedImage png(int width, int height) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = PlotFrame.canvas(img, title, 70);
        double[][] p = projected();
        double[] lo = {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY};
        double[] hi = {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY};
        for (double[] q : p) {
            for (int d = 0; d < 2; d++) {
                if (Double.isFinite(q[d])) {
                    lo[d] = Math.min(lo[d], q[d]);
                    hi[d] = Math.max(hi[d], q[d]);
                }
            }
        }
        double[] xr = PlotFrame.paddedRange(lo[0], hi[0]);
        double[] yr = PlotFrame.paddedRange(lo[1], hi[1]);
        PlotFrame f = new PlotFrame(70, 50, width - 200, height - 60, xr[0], xr[1], yr[0], yr[1]);
        f.drawBox(g);
        if (dims() == 2) {
            f.drawAxes(g, "x", "y");
        } else {
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            g.drawString("3-D projection (fixed view); the HTML rotates", f.left, f.bottom + 40);
        }
        Color[] colours = pointColours();
        Integer[] order = drawOrder(p);
        int r = 4;
        for (int idx : order) {
            double[] q = p[idx];
            if (!Double.isFinite(q[0]) || !Double.isFinite(q[1])) {
                continue;
            }
            int px = f.px(q[0]);
            int py = f.py(q[1]);
            Color c = colours[idx];
            g.setColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), 140));
            g.fillOval(px - r, py - r, 2 * r, 2 * r);
        }
        legend(g, f.right + 20, f.top, height - 10);
        g.dispose();
        return img;
    }

    /** 2-D points as they are; 3-D points under a fixed rotation (azimuth 35°, elevation 25°), depth in [2]. */
    private double[][] projected() {
        if (dims() == 2) {
            return xyz;
        }
        double az = Math.toRadians(35);
        double el = Math.toRadians(25);
        double[][] out = new double[xyz.length][3];
        for (int i = 0; i < xyz.length; i++) {
            double x = xyz[i][0];
            double y = xyz[i][1];
            double z = xyz[i][2];
            double x1 = Math.cos(az) * x - Math.sin(az) * y;
            double y1 = Math.sin(az) * x + Math.cos(az) * y;
            out[i][0] = x1;
            out[i][1] = Math.cos(el) * z - Math.sin(el) * y1;
            out[i][2] = Math.sin(el) * z + Math.cos(el) * y1;
        }
        return out;
    }

    private Integer[] drawOrder(double[][] p) {
        Integer[] o = new Integer[p.length];
        for (int i = 0; i < o.length; i++) {
            o[i] = i;
        }
        if (dims() == 3) {
            java.util.Arrays.sort(o, (a, b) -> Double.compare(p[b][2], p[a][2]));
        }
        return o;
    }

    private Color[] pointColours() {
        Color[] out = new Color[xyz.length];
        if (categories != null) {
            List<String> order = categoryOrder();
            String[] palette = palette(order.size());
            Map<String, Integer> index = new LinkedHashMap<>();
            for (int c = 0; c < order.size(); c++) {
                index.put(order.get(c), c);
            }
            for (int i = 0; i < out.length; i++) {
                out[i] = Color.decode(palette[index.get(categories[i])]);
            }
        } else if (values != null) {
            double[] mm = finiteRange(values);
            for (int i = 0; i < out.length; i++) {
                out[i] = viridis(mm[1] > mm[0] ? (values[i] - mm[0]) / (mm[1] - mm[0]) : 0.5);
            }
        } else {
            java.util.Arrays.fill(out, Color.decode(OKABE_ITO[4]));
        }
        return out;
    }

    /**
     * How many of {@code n} categories a legend from {@code top} down to {@code bottom} lists (18 px a line, below a
     * title), keeping the last line for "… and N more" when they do not all fit.
     */
    static int legendEntries(int n, int top, int bottom) {
        int lines = Math.max(1, (bottom - top - 32) / 18 + 1);
        return n <= lines ? n : lines - 1;
    }

    /** The legend from {@code (x, y)} down to {@code bottom}: as many categories as fit, then how many more. */
    private void legend(Graphics2D g, int x, int y, int bottom) {
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        if (colourName != null) {
            g.drawString(colourName, x, y + 10);
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        if (categories != null) {
            List<String> order = categoryOrder();
            String[] palette = palette(order.size());
            int shown = legendEntries(order.size(), y, bottom);
            for (int c = 0; c < shown; c++) {
                g.setColor(Color.decode(palette[c]));
                g.fillOval(x, y + 22 + 18 * c, 10, 10);
                g.setColor(Color.BLACK);
                g.drawString(order.get(c), x + 16, y + 32 + 18 * c);
            }
            if (shown < order.size()) {
                g.drawString("… and " + (order.size() - shown) + " more", x, y + 32 + 18 * shown);
            }
        } else if (values != null) {
            double[] mm = finiteRange(values);
            int h = 200;
            for (int t = 0; t < h; t++) {
                g.setColor(viridis(1 - (double) t / (h - 1)));
                g.drawLine(x, y + 22 + t, x + 18, y + 22 + t);
            }
            g.setColor(Color.BLACK);
            g.drawString(String.format(Locale.ROOT, "%.3g", mm[1]), x + 24, y + 30);
            g.drawString(String.format(Locale.ROOT, "%.3g", mm[0]), x + 24, y + 22 + h);
        }
    }

    private static double[] finiteRange(double[] v) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double d : v) {
            if (Double.isFinite(d)) {
                lo = Math.min(lo, d);
                hi = Math.max(hi, d);
            }
        }
        return new double[] {lo, hi};
    }

    /**
     * {@code n} colours for {@code n} categories, each its own: Okabe and Ito's up to eight, else {@code n} evenly
     * spaced steps of viridis (colour-blind safe and ordered by lightness; never a colour used twice).
     */
    static String[] palette(int n) {
        if (n <= OKABE_ITO.length) {
            return java.util.Arrays.copyOf(OKABE_ITO, Math.max(n, 0));
        }
        String[] out = new String[n];
        for (int c = 0; c < n; c++) {
            Color v = viridis((double) c / (n - 1));
            out[c] = String.format(Locale.ROOT, "#%02X%02X%02X", v.getRed(), v.getGreen(), v.getBlue());
        }
        return out;
    }

    static Color viridis(double t) {
        if (!Double.isFinite(t)) {
            return Color.GRAY;
        }
        t = Math.max(0, Math.min(1, t)) * (VIRIDIS.length - 1);
        int i = Math.min((int) t, VIRIDIS.length - 2);
        double f = t - i;
        int[] a = VIRIDIS[i];
        int[] b = VIRIDIS[i + 1];
        return new Color((int) Math.round(a[0] + f * (b[0] - a[0])), (int) Math.round(a[1] + f * (b[1] - a[1])),
                (int) Math.round(a[2] + f * (b[2] - a[2])));
    }
}
