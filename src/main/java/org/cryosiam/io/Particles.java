package org.cryosiam.io;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.function.Function;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.log.Log;

/**
 * A particle list of the processing commands: a STAR file (detected by its {@code .star} suffix; coordinates
 * {@code rlnCoordinateX/Y/Z} in voxels, or RELION 5's {@code rlnCenteredCoordinateX/Y/ZAngst}, converted on each
 * row's tomogram) or else a CSV file (coordinates {@code centroid-0..2} = z, y, x), each row with the
 * name of its tomogram ({@code rlnTomoName}, else {@code rlnMicrographName}, else {@code tomo}). Coordinates are voxel
 * positions; {@link #voxel} truncates them as Python's {@code int()} does.
 */
public final class Particles {
    public static final String[] NAME_COLUMNS = {"rlnTomoName", "rlnMicrographName", "tomo"};
    /** Warp and M name a tilt series {@code <name>.tomostar}; its tomogram is {@code <name>.mrc}. */
    public static final String WARP_SUFFIX = ".tomostar";

    /** How voxel coordinates {@code rlnCoordinateX/Y/Z} are to be read. */
    public enum Units {
        /** Fractions when the list is Warp's ({@code .tomostar} names) and every coordinate lies in [0, 1]. */
        AUTO,
        /** Voxels, as RELION 3/4 and the reference write them. */
        VOXELS,
        /** Fractions of the tomogram's size, as Warp's template matching writes them. */
        FRACTIONS
    }

    private final Path file;
    private final boolean star;
    private final boolean centred;
    private final Table table;
    private final String[] tomo;
    private final double[] x, y, z;

    private Particles(Path file, boolean star, boolean centred, Table table, String[] tomo, double[] x, double[] y,
                      double[] z) {
        this.file = file;
        this.star = star;
        this.centred = centred;
        this.table = table;
        this.tomo = tomo;
        this.x = x;
        this.y = y;
        this.z = z;
    }

    /** The file read. */
    public Path file() {
        return file;
    }

    /**
     * Whether the coordinates came as RELION 5 centred Å, converted with their refinement shifts
     * ({@code rlnOriginX/Y/ZAngst}) already applied.
     */
    public boolean centred() {
        return centred;
    }

    /** Whether it was read as a STAR file (else CSV). */
    public boolean star() {
        return star;
    }

    /** The whole table (voxel coordinates for a RELION 5 STAR file). */
    public Table table() {
        return table;
    }

    /** Tomogram name per row, or null when the file has no name column. */
    public String[] tomo() {
        return tomo;
    }

    /** Voxel coordinate x per row. */
    public double[] x() {
        return x;
    }

    /** Voxel coordinate y per row. */
    public double[] y() {
        return y;
    }

    /** Voxel coordinate z per row. */
    public double[] z() {
        return z;
    }

    public static boolean isStar(Path file) {
        return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".star");
    }

    /**
     * Reads the file; {@code flag} names the option it came from, for messages; {@code grids} gives the tomogram
     * grid of a name, asked only for RELION 5 coordinates.
     */
    public static Particles read(Path file, String flag, Function<String, Relion5Particles.Grid> grids, Units units,
                                 Log log) {
        return read(file, flag, isStar(file), grids, units, log);
    }

    /**
     * A particle STAR file's table with voxel coordinates: RELION 3/4 files as they are, RELION 5 files (centred Å,
     * told apart by their columns) converted on the grid of each row's tomogram, Warp's fractions (see {@link Units})
     * scaled by it. Warp's tomogram names lose their {@code .tomostar} suffix.
     */
    public static Table readStar(Path file, Function<String, Relion5Particles.Grid> grids, Units units, Log log) {
        return starWithVoxels(file, grids, units, log).table();
    }

    /** A STAR table with voxel coordinates, and whether they were converted from RELION 5 centred Å. */
    private record StarRead(Table table, boolean centred) {
    }

    private static StarRead starWithVoxels(Path file, Function<String, Relion5Particles.Grid> grids, Units units,
                                           Log log) {
        Table t = StarFile.readTable(file);
        boolean warp = false;
        Table.Builder renamed = null;
        for (String c : NAME_COLUMNS) {
            if (t.hasColumn(c) && t.rowCount() > 0) {
                String[] names = t.strings(c);
                int suffixed = 0;
                for (int i = 0; i < names.length; i++) {
                    if (names[i].endsWith(WARP_SUFFIX)) {
                        names[i] = names[i].substring(0, names[i].length() - WARP_SUFFIX.length());
                        suffixed++;
                    }
                }
                warp |= suffixed == names.length;
                if (suffixed > 0) {
                    renamed = (renamed == null ? t.toBuilder() : renamed).strings(c, names);
                }
            }
        }
        if (renamed != null) {
            t = renamed.build();
        }
        if (Relion5Particles.isCentred(t)) {
            return new StarRead(Relion5Particles.withPixels(file, t, grids), true);
        }
        if (units == Units.VOXELS || !t.columns().containsAll(Relion5Particles.PIXEL)
                || units == Units.AUTO && !(warp && withinZeroOne(t))) {
            return new StarRead(t, false);
        }
        String name = null;
        for (String c : NAME_COLUMNS) {
            name = name == null && t.hasColumn(c) ? c : name;
        }
        if (name == null) {
            throw new CryosiamUserException(file + ": fractional coordinates need a tomogram name column ("
                    + String.join(", ", NAME_COLUMNS) + ") to know which tomogram's size to scale them by.");
        }
        if (units == Units.AUTO) {
            log.info(file + ": Warp's fractional coordinates (.tomostar names, every coordinate within 0 to 1), "
                    + "scaled by each tomogram's size; --coordinates voxels reads them as voxels.");
        }
        return new StarRead(Relion5Particles.fromFractions(t, name, grids), false);
    }

    private static boolean withinZeroOne(Table t) {
        for (String c : Relion5Particles.PIXEL) {
            for (double v : t.doubles(c)) {
                if (!(v >= 0 && v <= 1)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Reads the file as STAR ({@code star}) or CSV whatever its suffix. */
    public static Particles read(Path file, String flag, boolean star, Function<String, Relion5Particles.Grid> grids,
                                 Units units, Log log) {
        StarRead read = star ? starWithVoxels(file, grids, units, log) : new StarRead(Csv.read(file), false);
        Table t = read.table();
        if (star && !t.columns().containsAll(Relion5Particles.PIXEL)) {
            throw new CryosiamUserException(file + " (" + flag + "): the STAR file has neither rlnCoordinateX/Y/Z "
                    + "(RELION 3/4, voxels) nor rlnCenteredCoordinateX/Y/ZAngst (RELION 5) columns.");
        }
        String[] cols = star ? new String[] {"rlnCoordinateX", "rlnCoordinateY", "rlnCoordinateZ"}
                : new String[] {"centroid-2", "centroid-1", "centroid-0"};
        requireColumns(t, file, flag, star ? "STAR" : "CSV", cols);
        String[] tomo = null;
        for (String c : NAME_COLUMNS) {
            if (t.hasColumn(c)) {
                tomo = t.strings(c);
                break;
            }
        }
        double[] x = t.doubles(cols[0]), y = t.doubles(cols[1]), z = t.doubles(cols[2]);
        checkCoordinates(file, t, cols); // every row, before any output is written
        return new Particles(file, star, read.centred(), t, tomo, x, y, z);
    }

    /** Every value of the coordinate columns {@code cols} must be a voxel position ({@link #voxel}). */
    public static void checkCoordinates(Path file, Table t, String... cols) {
        for (String c : cols) {
            double[] v = t.doubles(c);
            for (int i = 0; i < v.length; i++) {
                if (!Double.isFinite(v[i]) || Math.abs(v[i]) > Integer.MAX_VALUE) {
                    throw new CryosiamUserException(file + ": row " + (i + 1) + " has " + c + " = "
                            + org.cryosiam.io.PythonFloat.repr(v[i]) + ", not a voxel position.");
                }
            }
        }
    }

    public static void requireColumns(Table t, Path file, String flag, String kind, String... cols) {
        List<String> missing = new ArrayList<>();
        for (String c : cols) {
            if (!t.hasColumn(c)) {
                missing.add(c);
            }
        }
        if (!missing.isEmpty()) {
            throw new CryosiamUserException(file + " (" + flag + "): the " + kind + " file has no "
                    + String.join(", ", missing) + " column" + (missing.size() > 1 ? "s" : "") + " (needs "
                    + String.join(", ", cols) + ").");
        }
    }

    public int rows() {
        return x.length;
    }

    /** Python's {@code int(v)}: truncation towards zero. */
    public static int voxel(double v) {
        if (!Double.isFinite(v) || Math.abs(v) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("coordinate " + v);
        }
        return (int) v;
    }

    /**
     * The rows of each tomogram, by name in sorted order (numpy's {@code unique}). Without a name column every row
     * belongs to {@code defaultName} (null: that is an error). With {@code only} (the {@code --tomo_name} flag) just
     * that tomogram; a name no row has is an error.
     */
    public TreeMap<String, int[]> byTomogram(String only, String defaultName) {
        String[] names = tomo;
        if (names == null) {
            if (defaultName == null) {
                throw new CryosiamUserException(file + ": no tomogram name column (" + String.join(", ", NAME_COLUMNS)
                        + "); give one, or pass a single tomogram file as the size template.");
            }
            names = new String[rows()];
            Arrays.fill(names, defaultName);
        }
        TreeMap<String, List<Integer>> groups = new TreeMap<>();
        for (int i = 0; i < names.length; i++) {
            groups.computeIfAbsent(names[i], k -> new ArrayList<>()).add(i);
        }
        if (only != null) {
            only = matchingName(only, groups.keySet());
            if (!groups.containsKey(only)) {
                throw new CryosiamUserException("--tomo_name " + only + ": no row of " + file + " belongs to this "
                        + "tomogram (it has " + describe(groups.keySet()) + ").");
            }
            groups.keySet().retainAll(List.of(only));
        }
        TreeMap<String, int[]> out = new TreeMap<>();
        groups.forEach((k, v) -> out.put(k, v.stream().mapToInt(Integer::intValue).toArray()));
        return out;
    }

    /**
     * The tomogram name of the table that {@code given} means: itself, or the one with the same name once a tomogram
     * extension is dropped from either ({@code TS_01.mrc} for {@code TS_01}, as {@code --filename} takes both).
     */
    public static String matchingName(String given, java.util.Set<String> names) {
        if (names.contains(given)) {
            return given;
        }
        String bare = withoutExtension(given);
        for (String n : names) {
            if (withoutExtension(n).equals(bare)) {
                return n;
            }
        }
        return given;
    }

    /** A tomogram name without its file extension ({@code .mrc}, {@code .rec}, {@code .map}, Warp's {@code .tomostar}). */
    public static String withoutExtension(String name) {
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        for (String ext : List.of(".mrc", ".rec", ".map", WARP_SUFFIX)) {
            if (lower.endsWith(ext)) {
                return name.substring(0, name.length() - ext.length());
            }
        }
        return name;
    }

    private static String describe(java.util.Set<String> names) {
        if (names.isEmpty()) {
            return "no rows";
        }
        List<String> l = new ArrayList<>(names);
        return l.size() <= 5 ? String.join(", ", l) : String.join(", ", l.subList(0, 5)) + " and " + (l.size() - 5)
                + " more";
    }
}
