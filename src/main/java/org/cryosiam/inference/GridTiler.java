package org.cryosiam.inference;

import java.util.Arrays;

/**
 * The reference's sliding-window grid in 3-D (spec/inference.md, "Tiling"): the product of three {@link AxisGrid}s,
 * visited in row-major order (z outer, x inner) like {@code itertools.product} in MONAI's {@code iter_patch_position}.
 *
 * <p>Patches are read from the volume as the reference reads them from its padded copy (zeros from S to S', then
 * wrap-around), and written into full-size maps of the original shape S with the centre rules; later patches
 * overwrite earlier ones, so {@link #stitch} must be called in patch order.
 */
public final class GridTiler {
    private final AxisGrid z;
    private final AxisGrid y;
    private final AxisGrid x;
    private final int ny;
    private final int nx;
    private final int pz;
    private final int py;
    private final int px;

    /** @param shape the volume's {@code {nz, ny, nx}}; @param patchSize {@code {Pz, Py, Px}}, even numbers */
    public GridTiler(int[] shape, int[] patchSize) {
        if (shape.length != 3 || patchSize.length != 3) {
            throw new IllegalArgumentException("shape and patch size need 3 values (z, y, x), got "
                    + Arrays.toString(shape) + " and " + Arrays.toString(patchSize));
        }
        z = new AxisGrid(shape[0], patchSize[0]);
        y = new AxisGrid(shape[1], patchSize[1]);
        x = new AxisGrid(shape[2], patchSize[2]);
        ny = shape[1];
        nx = shape[2];
        pz = patchSize[0];
        py = patchSize[1];
        px = patchSize[2];
        Math.multiplyExact(Math.multiplyExact(pz, py), px); // a patch must fit one array
    }

    /** Axis 0 = z, 1 = y, 2 = x. */
    public AxisGrid axis(int axis) {
        return switch (axis) {
            case 0 -> z;
            case 1 -> y;
            case 2 -> x;
            default -> throw new IllegalArgumentException("axis " + axis);
        };
    }

    /** Number of patches that are run. */
    public int patchCount() {
        return Math.multiplyExact(Math.multiplyExact(z.count(), y.count()), x.count());
    }

    /** Voxels in one patch, Pz·Py·Px. */
    public int patchVoxels() {
        return pz * py * px;
    }

    public int[] patchSize() {
        return new int[] {pz, py, px};
    }

    /** The {@code {z, y, x}} start of patch i (row-major over the kept starts of each axis). */
    public int[] patchStart(int i) {
        int[] g = gridIndex(i);
        return new int[] {z.start(g[0]), y.start(g[1]), x.start(g[2])};
    }

    private int[] gridIndex(int i) {
        if (i < 0 || i >= patchCount()) {
            throw new IndexOutOfBoundsException("patch " + i + " of " + patchCount());
        }
        int ix = i % x.count();
        int rest = i / x.count();
        return new int[] {rest / y.count(), rest % y.count(), ix};
    }

    /** The row of patch i along z (patches of one row share their z start); rows come in patch order. */
    public int zRow(int i) {
        return gridIndex(i)[0];
    }

    /**
     * Copies patch i of {@code volume} (shape S, x fastest) into {@code dst[dstOffset, dstOffset + Pz·Py·Px)}, with
     * zeros for the end padding and wrapped values past S'.
     */
    public void extract(float[] volume, int i, float[] dst, int dstOffset) {
        int plane = ny * nx;
        extract(zi -> new PlaneView(volume, zi * plane), i, dst, dstOffset);
    }

    /** Where plane z of a volume starts in some array. */
    public record PlaneView(float[] array, int offset) {
    }

    /**
     * {@link #extract(float[], int, float[], int)} from a volume given plane by plane: {@code planes} returns plane z
     * (its {@code ny·nx} values, x fastest) for each z the patch reads.
     */
    public void extract(java.util.function.IntFunction<PlaneView> planes, int i, float[] dst, int dstOffset) {
        int[] g = gridIndex(i);
        int[] zi = z.sourceIndex(g[0]);
        int[] yi = y.sourceIndex(g[1]);
        int[] xi = x.sourceIndex(g[2]);
        int o = dstOffset;
        for (int dz = 0; dz < pz; dz++) {
            PlaneView p = zi[dz] < 0 ? null : planes.apply(zi[dz]);
            for (int dy = 0; dy < py; dy++, o += px) {
                if (p == null || yi[dy] < 0) {
                    Arrays.fill(dst, o, o + px, 0f);
                    continue;
                }
                float[] a = p.array();
                int row = p.offset() + yi[dy] * nx;
                for (int dx = 0; dx < px; dx++) {
                    int s = xi[dx];
                    dst[o + dx] = s < 0 ? 0f : a[row + s];
                }
            }
        }
    }

    /**
     * Writes the kept centre of patch i, read from {@code src[srcOffset, srcOffset + Pz·Py·Px)} (one channel), into
     * {@code out} (shape S, x fastest).
     */
    public void stitch(float[] src, int srcOffset, int i, float[] out) {
        stitch(src, srcOffset, i, out, 0);
    }

    /** {@link #stitch(float[], int, int, float[])} into a slab of the maps whose first plane is {@code outZ0}. */
    public void stitch(float[] src, int srcOffset, int i, float[] out, int outZ0) {
        int[] g = gridIndex(i);
        int z0 = z.writeFrom(g[0]);
        int z1 = z.writeTo(g[0]);
        int y0 = y.writeFrom(g[1]);
        int y1 = y.writeTo(g[1]);
        int x0 = x.writeFrom(g[2]);
        int len = x.writeTo(g[2]) - x0;
        int sz = z.readFrom(g[0]) - z0;
        int sy = y.readFrom(g[1]) - y0;
        int sx = x.readFrom(g[2]);
        for (int oz = z0; oz < z1; oz++) {
            for (int oy = y0; oy < y1; oy++) {
                int from = srcOffset + ((oz + sz) * py + (oy + sy)) * px + sx;
                int to = (int) (((long) (oz - outZ0) * ny + oy) * nx + x0);
                System.arraycopy(src, from, out, to, len);
            }
        }
    }
}
