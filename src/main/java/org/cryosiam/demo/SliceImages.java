package org.cryosiam.demo;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

import javax.imageio.ImageIO;

/**
 * PNG images of one z-slice of a volume, for the demo report: grey values scaled between two percentiles, or class
 * and instance ids in fixed colours. Slices are {@code ny × nx} arrays taken from a {@code (z, y, x)} volume.
 */
public final class SliceImages {
    /** Class colours: background transparent-black, membrane yellow, species A red, species B cyan, then more. */
    private static final int[] CLASS_RGB = {0x000000, 0xf2c029, 0xe4413a, 0x36c5e0, 0x7bd14a, 0xb267e6, 0xf08a3c};

    private SliceImages() {
    }

    /** Slice {@code z} of a float volume. */
    public static float[] slice(float[] volume, int ny, int nx, int z) {
        return Arrays.copyOfRange(volume, z * ny * nx, (z + 1) * ny * nx);
    }

    /** Slice {@code z} of an int volume. */
    public static int[] slice(int[] volume, int ny, int nx, int z) {
        return Arrays.copyOfRange(volume, z * ny * nx, (z + 1) * ny * nx);
    }

    /** The xz section at row {@code y} of a float volume: an {@code nz × nx} slice. */
    public static float[] sectionXz(float[] volume, int nz, int ny, int nx, int y) {
        float[] out = new float[nz * nx];
        for (int z = 0; z < nz; z++) {
            System.arraycopy(volume, (z * ny + y) * nx, out, z * nx, nx);
        }
        return out;
    }

    /** The xz section at row {@code y} of an int volume. */
    public static int[] sectionXz(int[] volume, int nz, int ny, int nx, int y) {
        int[] out = new int[nz * nx];
        for (int z = 0; z < nz; z++) {
            System.arraycopy(volume, (z * ny + y) * nx, out, z * nx, nx);
        }
        return out;
    }

    /** Grey image, the 1st..99th percentile mapped to black..white; {@code scale} pixels per voxel. */
    public static BufferedImage grey(float[] slice, int ny, int nx, int scale) {
        float[] sorted = slice.clone();
        Arrays.sort(sorted);
        float lo = sorted[(int) (0.01 * (sorted.length - 1))];
        float hi = sorted[(int) (0.99 * (sorted.length - 1))];
        float range = hi > lo ? hi - lo : 1;
        BufferedImage img = new BufferedImage(nx * scale, ny * scale, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < ny; y++) {
            for (int x = 0; x < nx; x++) {
                int g = Math.round(255 * Math.min(1, Math.max(0, (slice[y * nx + x] - lo) / range)));
                fill(img, x, y, scale, (g << 16) | (g << 8) | g);
            }
        }
        return img;
    }

    /** Class labels in {@link #CLASS_RGB} colours over a dimmed grey background image (null: black). */
    public static BufferedImage classes(int[] labels, float[] under, int ny, int nx, int scale) {
        BufferedImage img = under == null ? new BufferedImage(nx * scale, ny * scale, BufferedImage.TYPE_INT_RGB)
                : grey(under, ny, nx, scale);
        for (int y = 0; y < ny; y++) {
            for (int x = 0; x < nx; x++) {
                int c = labels[y * nx + x];
                if (c > 0) {
                    fill(img, x, y, scale, CLASS_RGB[1 + (c - 1) % (CLASS_RGB.length - 1)]);
                } else if (under != null) {
                    fill(img, x, y, scale, dim(img.getRGB(x * scale, y * scale)));
                }
            }
        }
        return img;
    }

    /** Instance ids in pseudo-random bright colours (the same id, the same colour), background black. */
    public static BufferedImage instances(int[] ids, int ny, int nx, int scale) {
        BufferedImage img = new BufferedImage(nx * scale, ny * scale, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < ny; y++) {
            for (int x = 0; x < nx; x++) {
                int id = ids[y * nx + x];
                if (id != 0) {
                    fill(img, x, y, scale, colourOf(id));
                }
            }
        }
        return img;
    }

    /** A bright colour for an id: the golden-angle hue walk, full saturation. */
    static int colourOf(int id) {
        float hue = (float) ((id * 0.618033988749895) % 1.0);
        return java.awt.Color.HSBtoRGB(hue, 0.75f, 1f) & 0xffffff;
    }

    /** The PNG bytes of an image. */
    public static byte[] png(BufferedImage img) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static int dim(int rgb) {
        int r = (rgb >> 16) & 0xff, g = (rgb >> 8) & 0xff, b = rgb & 0xff;
        return ((r * 2 / 5) << 16) | ((g * 2 / 5) << 8) | (b * 2 / 5);
    }

    private static void fill(BufferedImage img, int x, int y, int scale, int rgb) {
        for (int dy = 0; dy < scale; dy++) {
            for (int dx = 0; dx < scale; dx++) {
                img.setRGB(x * scale + dx, y * scale + dy, rgb);
            }
        }
    }
}
