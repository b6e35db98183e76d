package org.cryosiam.viz;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A static PNG line chart (Java2D): several named series over a shared x, NaN values skipped (a series is drawn as
 * segments between its finite points, each point marked), with a legend at the right.
 */
public final class LineChart {
    private record Series(String name, double[] y, Color colour, boolean dashed) {
    }

    private final String title;
    private final String xName;
    private final String yName;
    private final double[] x;
    private boolean integerX;
    private final List<Series> series = new ArrayList<>();

    public LineChart(String title, String xName, String yName, double[] x) {
        this.title = title;
        this.xName = xName;
        this.yName = yName;
        this.x = x.clone();
    }

    /** Ticks the x axis on whole numbers (epochs). */
    public LineChart integerX() {
        this.integerX = true;
        return this;
    }

    /** Adds a series; {@code colourIndex} picks from the scatter plot's colour-blind-safe palette. */
    public LineChart series(String name, double[] y, int colourIndex, boolean dashed) {
        if (y.length != x.length) {
            throw new IllegalArgumentException(name + ": " + y.length + " values for " + x.length + " x");
        }
        series.add(new Series(name, y.clone(), Color.decode(ScatterPlot.OKABE_ITO[colourIndex
                % ScatterPlot.OKABE_ITO.length]), dashed));
        return this;
    }

    public void writePng(Path file, int width, int height, org.cryosiam.io.OutputSink outputs) {
        PlotFrame.writePng(png(width, height), file, outputs);
    }

    BufferedImage png(int width, int height) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = PlotFrame.canvas(img, title, 70);
        double xlo = Double.POSITIVE_INFINITY, xhi = Double.NEGATIVE_INFINITY;
        double ylo = Double.POSITIVE_INFINITY, yhi = Double.NEGATIVE_INFINITY;
        for (double v : x) {
            if (Double.isFinite(v)) {
                xlo = Math.min(xlo, v);
                xhi = Math.max(xhi, v);
            }
        }
        for (Series s : series) {
            for (double v : s.y()) {
                if (Double.isFinite(v)) {
                    ylo = Math.min(ylo, v);
                    yhi = Math.max(yhi, v);
                }
            }
        }
        double[] xr = PlotFrame.paddedRange(xlo, xhi);
        double[] yr = PlotFrame.paddedRange(ylo, yhi);
        PlotFrame f = new PlotFrame(70, 50, width - 220, height - 60, xr[0], xr[1], yr[0], yr[1]);
        f.drawBox(g);
        f.drawAxes(g, xName, yName, integerX);
        int ly = f.top + 10;
        for (Series s : series) {
            g.setColor(s.colour());
            g.setStroke(s.dashed() ? new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f,
                    new float[] {6f, 4f}, 0f) : new BasicStroke(2f));
            int prevX = Integer.MIN_VALUE, prevY = 0;
            for (int i = 0; i < x.length; i++) {
                if (!Double.isFinite(x[i]) || !Double.isFinite(s.y()[i])) {
                    continue;
                }
                int px = f.px(x[i]), py = f.py(s.y()[i]);
                if (prevX != Integer.MIN_VALUE) {
                    g.drawLine(prevX, prevY, px, py);
                }
                g.fillOval(px - 3, py - 3, 6, 6);
                prevX = px;
                prevY = py;
            }
            g.drawLine(f.right + 20, ly, f.right + 50, ly);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            g.drawString(s.name(), f.right + 58, ly + 4);
            ly += 20;
        }
        g.dispose();
        return img;
    }
}
