package org.cryosiam.viz;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

import javax.imageio.ImageIO;

import org.cryosiam.io.AtomicFile;
import org.cryosiam.io.OutputSink;

/**
 * The shared Java2D pieces of the static PNG plots: a white antialiased canvas with a title, a framed plot area with
 * five ticks per axis ({@code %.3g} labels) and axis names, data-to-pixel mapping, and the atomic PNG write.
 */
public final class PlotFrame {
    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    public final int left;
    public final int top;
    public final int right;
    public final int bottom;
    private final double[] lo;
    private final double[] hi;

    /** A frame for the pixel box (left, top)–(right, bottom) showing data x ∈ [xlo, xhi], y ∈ [ylo, yhi]. */
    public PlotFrame(int left, int top, int right, int bottom, double xlo, double xhi, double ylo, double yhi) {
        this.left = left;
        this.top = top;
        this.right = right;
        this.bottom = bottom;
        this.lo = new double[] {xlo, ylo};
        this.hi = new double[] {xhi, yhi};
    }

    /** A white {@code width × height} RGB canvas, antialiasing on, with {@code title} drawn at (x, 30). */
    public static Graphics2D canvas(BufferedImage img, String title, int x) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title, x, 30);
        return g;
    }

    /** {@code [lo, hi]} of the finite values widened by 5 % each side (a unit range around a constant / none). */
    public static double[] paddedRange(double lo, double hi) {
        if (!(hi > lo)) {
            lo = Double.isFinite(lo) ? lo - 1 : -1;
            hi = lo + 2;
        }
        double pad = 0.05 * (hi - lo);
        return new double[] {lo - pad, hi + pad};
    }

    /** The frame rectangle. */
    public void drawBox(Graphics2D g) {
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1f));
        g.drawRect(left, top, right - left, bottom - top);
    }

    /** Five ticks with labels on each axis, and the axis names. */
    public void drawAxes(Graphics2D g, String xName, String yName) {
        drawAxes(g, xName, yName, false);
    }

    /**
     * Five ticks with labels on each axis (with {@code integerX}, x ticks on whole numbers instead, at most about
     * ten), and the axis names.
     */
    public void drawAxes(Graphics2D g, String xName, String yName, boolean integerX) {
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1f));
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        if (integerX) {
            long first = (long) Math.ceil(lo[0]);
            long last = (long) Math.floor(hi[0]);
            long step = Math.max(1, (long) Math.ceil((last - first + 1) / 10.0));
            for (long v = first; v <= last; v += step) {
                int px = px(v);
                g.drawLine(px, bottom, px, bottom + 5);
                g.drawString(Long.toString(v), px - 4, bottom + 18);
            }
        }
        for (int t = 0; t <= 4; t++) {
            double vx = lo[0] + (hi[0] - lo[0]) * t / 4;
            int px = left + (right - left) * t / 4;
            if (!integerX) {
                g.drawLine(px, bottom, px, bottom + 5);
                g.drawString(String.format(Locale.ROOT, "%.3g", vx), px - 15, bottom + 18);
            }
            double vy = lo[1] + (hi[1] - lo[1]) * t / 4;
            int py = bottom - (bottom - top) * t / 4;
            g.drawLine(left - 5, py, left, py);
            g.drawString(String.format(Locale.ROOT, "%.3g", vy), left - 55, py + 4);
        }
        g.drawString(xName, (left + right) / 2, bottom + 40);
        g.drawString(yName, left - 60, (top + bottom) / 2 - 14);
    }

    public int px(double x) {
        return (int) Math.round(left + (x - lo[0]) / (hi[0] - lo[0]) * (right - left));
    }

    public int py(double y) {
        return (int) Math.round(bottom - (y - lo[1]) / (hi[1] - lo[1]) * (bottom - top));
    }

    /** Writes {@code img} as PNG via {@link AtomicFile}, outside any run. */
    public static void writePng(BufferedImage img, Path file) {
        writePng(img, file, OutputSink.NONE);
    }

    /** Writes {@code img} as PNG via {@link AtomicFile}, an output of the run of {@code outputs}. */
    public static void writePng(BufferedImage img, Path file, OutputSink outputs) {
        AtomicFile.write(file, tmp -> {
            if (!ImageIO.write(img, "png", tmp.toFile())) {
                throw new IOException("no PNG writer");
            }
        }, outputs);
    }
}
