package org.cryosiam.io;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.cryosiam.CryosiamUserException;

/**
 * RELION 5 tomography particles: a {@code data_optics} block and a {@code data_particles} block whose positions are
 * {@code rlnCenteredCoordinateX/Y/ZAngst}, Ångström from the tomogram's centre, per {@code rlnTomoName}.
 *
 * <p>Centred coordinate = (0-based voxel coordinate − size / 2) × pixel size, per axis, with size / 2 a real number
 * (so a 5-voxel axis has its centre at 2.5, a 4-voxel axis at 2.0): how RELION 5 centres a tomogram and how
 * pytom-match-pick's RELION 5 mode and copick convert. The inverse gives voxel coordinates back on any tomogram of
 * the same field of view, whatever its binning, since the Ångström values do not depend on the pixel size.
 */
public final class Relion5Particles {
    public static final String TOMO_NAME = "rlnTomoName";
    /** The centred columns, x, y, z. */
    public static final List<String> CENTRED = List.of("rlnCenteredCoordinateXAngst", "rlnCenteredCoordinateYAngst",
            "rlnCenteredCoordinateZAngst");
    /** The pixel columns of RELION 3/4 (and the reference), x, y, z. */
    public static final List<String> PIXEL = List.of("rlnCoordinateX", "rlnCoordinateY", "rlnCoordinateZ");

    private Relion5Particles() {
    }

    /**
     * What the conversion needs of one tomogram: its size in voxels and its pixel size in Å.
     *
     * @param size {@code {nx, ny, nz}}
     */
    public record Grid(int[] size, double pixelSize) {
    }

    /**
     * The grids particles read from a file lie on, by tomogram name. {@code filePixelSize} is what the file itself
     * says of that tomogram's pixel size (RELION 5's {@code rlnTomoTiltSeriesPixelSize} in its optics block), or
     * null: the fallback for a tomogram whose header has none.
     */
    @FunctionalInterface
    public interface Grids {
        Grid of(String tomogram, Double filePixelSize);
    }

    /** Microscope values of the optics block, each written only when given (null: not given). */
    public record Optics(Double voltage, Double sphericalAberration, Double amplitudeContrast) {
        public static final Optics NONE = new Optics(null, null, null);
    }

    public static double centredAngst(double voxel, int size, double pixelSize) {
        return (voxel - size / 2.0) * pixelSize;
    }

    /** The voxel coordinate back ({@link #snap}ped: the commands truncate it as Python's {@code int()} does). */
    public static double voxel(double centredAngst, int size, double pixelSize) {
        return snap(centredAngst / pixelSize + size / 2.0);
    }

    /** How close to a whole voxel a converted coordinate must be to be taken as that voxel. */
    public static final double SNAP = 1e-3;

    /**
     * A voxel coordinate converted from Å or fractions, taken as the whole voxel it lies within {@link #SNAP} of.
     * Conversions leave noise that truncation must not turn into a voxel off: Å written from float32 values (13.48 Å
     * × 12 voxels is 161.76 Å, stored as 161.759995) come back 4e-7 voxel low, which {@code int()} would take one
     * voxel low; a real sub-voxel position is kept as it is.
     */
    public static double snap(double voxel) {
        double whole = Math.rint(voxel);
        return Math.abs(voxel - whole) <= SNAP ? whole : voxel;
    }

    /** Whether a particle table gives RELION 5 centred coordinates and no pixel coordinates. */
    public static boolean isCentred(Table t) {
        return t.columns().containsAll(CENTRED) && !t.columns().containsAll(PIXEL);
    }

    /**
     * A particle table in the reference's layout (voxel {@code rlnCoordinateX/Y/Z}, the tomogram's name in
     * {@code nameColumn}) as RELION 5 blocks: {@code optics} (one group per distinct pixel size, in order of first
     * use) and {@code particles} ({@code rlnTomoName}, the centred coordinates, {@code rlnOpticsGroup}, then every
     * other column as it was).
     */
    public static Map<String, Table> fromPixels(Table t, String nameColumn, Function<String, Grid> grids,
                                                Optics optics) {
        int n = t.rowCount();
        String[] names = t.strings(nameColumn);
        double[][] pixel = {t.doubles(PIXEL.get(0)), t.doubles(PIXEL.get(1)), t.doubles(PIXEL.get(2))};
        double[][] centred = new double[3][n];
        long[] group = new long[n];
        List<Double> pixelSizes = new ArrayList<>();
        Map<String, Grid> seen = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            Grid g = seen.computeIfAbsent(names[i], grids);
            for (int a = 0; a < 3; a++) {
                centred[a][i] = centredAngst(pixel[a][i], g.size()[a], g.pixelSize());
            }
            if (!pixelSizes.contains(g.pixelSize())) {
                pixelSizes.add(g.pixelSize());
            }
            group[i] = pixelSizes.indexOf(g.pixelSize()) + 1;
        }
        Table.Builder p = Table.builder(t.source()).strings(TOMO_NAME, names);
        for (int a = 0; a < 3; a++) {
            p.doubles(CENTRED.get(a), centred[a]);
        }
        p.longs("rlnOpticsGroup", group);
        for (String c : t.columns()) {
            if (!PIXEL.contains(c) && !c.equals(nameColumn) && !c.equals(TOMO_NAME) && !c.equals("rlnOpticsGroup")) {
                copy(t, c, p);
            }
        }
        Map<String, Table> blocks = new LinkedHashMap<>();
        blocks.put("optics", optics(pixelSizes, optics));
        blocks.put("particles", p.build());
        return blocks;
    }

    private static Table optics(List<Double> pixelSizes, Optics o) {
        int g = pixelSizes.size();
        long[] ids = new long[g];
        String[] names = new String[g];
        double[] sizes = new double[g];
        for (int i = 0; i < g; i++) {
            ids[i] = i + 1;
            names[i] = "opticsGroup" + (i + 1);
            sizes[i] = pixelSizes.get(i);
        }
        Table.Builder b = Table.builder().longs("rlnOpticsGroup", ids).strings("rlnOpticsGroupName", names)
                .doubles("rlnTomoTiltSeriesPixelSize", sizes);
        constant(b, "rlnVoltage", o.voltage(), g);
        constant(b, "rlnSphericalAberration", o.sphericalAberration(), g);
        constant(b, "rlnAmplitudeContrast", o.amplitudeContrast(), g);
        return b.build();
    }

    private static void constant(Table.Builder b, String name, Double value, int rows) {
        if (value != null) {
            double[] v = new double[rows];
            java.util.Arrays.fill(v, value);
            b.doubles(name, v);
        }
    }

    /** RELION's refinement shifts in Å, x, y, z: a particle lies at its coordinate minus its origin. */
    public static final List<String> ORIGIN_ANGST = List.of("rlnOriginXAngst", "rlnOriginYAngst", "rlnOriginZAngst");

    /**
     * A RELION 5 particle table with voxel {@code rlnCoordinateX/Y/Z} added (each row converted on the grid of its
     * {@code rlnTomoName}), so that the commands read it as they read RELION 3/4 files. Refinement shifts
     * {@code rlnOriginX/Y/ZAngst}, where present, are applied first, as RELION 5 places a particle: centred coordinate
     * − origin.
     */
    public static Table withPixels(Path file, Table t, Table optics, Grids grids) {
        if (!t.hasColumn(TOMO_NAME)) {
            throw new CryosiamUserException(file + ": RELION 5 centred coordinates (rlnCenteredCoordinateX/Y/ZAngst) "
                    + "need rlnTomoName to tell which tomogram's centre they are measured from.");
        }
        int n = t.rowCount();
        String[] names = t.strings(TOMO_NAME);
        double[][] centred = {t.doubles(CENTRED.get(0)), t.doubles(CENTRED.get(1)), t.doubles(CENTRED.get(2))};
        for (int a = 0; a < 3; a++) {
            if (t.hasColumn(ORIGIN_ANGST.get(a))) {
                double[] shift = t.doubles(ORIGIN_ANGST.get(a));
                for (int i = 0; i < n; i++) {
                    centred[a][i] -= shift[i];
                }
            }
        }
        double[][] pixel = new double[3][n];
        Double[] filePixelSize = opticsPixelSizes(t, optics);
        Map<String, Grid> seen = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            int row = i;
            Grid g = seen.computeIfAbsent(names[i], name -> grids.of(name, filePixelSize[row]));
            for (int a = 0; a < 3; a++) {
                pixel[a][i] = voxel(centred[a][i], g.size()[a], g.pixelSize());
            }
        }
        Table.Builder b = t.toBuilder();
        for (int a = 0; a < 3; a++) {
            b.doubles(PIXEL.get(a), pixel[a]);
        }
        return b.build();
    }

    /**
     * A particle table whose {@code rlnCoordinateX/Y/Z} are fractions of the tomogram's size (Warp's template
     * matching) with voxel coordinates instead: fraction × size per axis, on the grid of each row's tomogram named
     * in {@code nameColumn}.
     */
    public static Table fromFractions(Table t, String nameColumn, Grids grids) {
        int n = t.rowCount();
        String[] names = t.strings(nameColumn);
        double[][] v = {t.doubles(PIXEL.get(0)), t.doubles(PIXEL.get(1)), t.doubles(PIXEL.get(2))};
        Map<String, Grid> seen = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            Grid g = seen.computeIfAbsent(names[i], name -> grids.of(name, null));
            for (int a = 0; a < 3; a++) {
                v[a][i] = snap(v[a][i] * g.size()[a]);
            }
        }
        Table.Builder b = t.toBuilder();
        for (int a = 0; a < 3; a++) {
            b.doubles(PIXEL.get(a), v[a]);
        }
        return b.build();
    }

    /**
     * Per particle row, the pixel size its optics group gives ({@code rlnTomoTiltSeriesPixelSize}), or null: by the
     * row's {@code rlnOpticsGroup}, or the only group of an optics block when the particles name none.
     */
    static Double[] opticsPixelSizes(Table particles, Table optics) {
        Double[] out = new Double[particles.rowCount()];
        String size = "rlnTomoTiltSeriesPixelSize";
        if (optics == null || !optics.hasColumn(size) || optics.rowCount() == 0) {
            return out;
        }
        Map<Long, Double> byGroup = new java.util.HashMap<>();
        double[] sizes = optics.doubles(size);
        long[] ids = optics.hasColumn("rlnOpticsGroup") ? optics.longs("rlnOpticsGroup") : null;
        for (int g = 0; g < sizes.length; g++) {
            if (sizes[g] > 0 && Double.isFinite(sizes[g])) {
                byGroup.put(ids == null ? g + 1L : ids[g], sizes[g]);
            }
        }
        if (particles.hasColumn("rlnOpticsGroup")) {
            long[] groups = particles.longs("rlnOpticsGroup");
            for (int i = 0; i < out.length; i++) {
                out[i] = byGroup.get(groups[i]);
            }
        } else if (sizes.length == 1) {
            java.util.Arrays.fill(out, byGroup.get(ids == null ? 1L : ids[0]));
        }
        return out;
    }

    private static void copy(Table t, String c, Table.Builder b) {
        switch (t.type(c)) {
            case LONG -> b.longs(c, t.longs(c));
            case DOUBLE -> b.doubles(c, t.doubles(c));
            default -> b.strings(c, t.strings(c));
        }
    }
}
