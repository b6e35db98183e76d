package org.cryosiam.io;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

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

    /** The kinds of particle list the commands read, told apart by content ({@link #format}). */
    public enum Format {
        /** RELION STAR: a {@code data_} block first (after comments). */
        STAR,
        /** CSV with a header row: commas in the first line. */
        CSV,
        /** copick picks JSON: an object with {@code points}. */
        COPICK
    }

    private static final String ACCEPTED = "a RELION STAR file (rlnCoordinateX/Y/Z or rlnCenteredCoordinateX/Y/ZAngst), "
            + "a CSV file with a header row (centroid-0/1/2) or copick picks JSON (points with locations in Å)";

    /**
     * What kind of particle list {@code file} is, by its content, whatever its name: JSON (an object with
     * {@code points}: copick picks), STAR (its first line that is neither blank nor a {@code #} comment starts a
     * {@code data_} block) or CSV (that line has commas); anything else is refused naming the accepted formats.
     */
    public static Format format(Path file, String flag) {
        String text = text(file);
        String start = text.stripLeading();
        if (start.startsWith("{") || start.startsWith("[")) {
            Object json;
            try {
                json = Json.parse(text);
            } catch (IllegalArgumentException e) {
                throw new CryosiamUserException(file + " (" + flag + "): JSON that does not parse (" + e.getMessage()
                        + "); give " + ACCEPTED + ".");
            }
            if (org.cryosiam.io.copick.CopickProject.isPicks(json)) {
                return Format.COPICK;
            }
            throw new CryosiamUserException(file + " (" + flag + "): JSON without a points list, so not copick "
                    + "picks; give " + ACCEPTED + ".");
        }
        for (String line : text.split("\n", 200)) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            if (l.startsWith("data_")) {
                return Format.STAR;
            }
            if (l.contains(",")) {
                return Format.CSV;
            }
            break;
        }
        throw new CryosiamUserException(file + " (" + flag + "): not a particle list this command reads; give "
                + ACCEPTED + ".");
    }

    private static String text(Path file) {
        try {
            if (!java.nio.file.Files.isRegularFile(file)) {
                throw new CryosiamUserException(file + ": file not found.");
            }
            String t = java.nio.file.Files.readString(file, java.nio.charset.StandardCharsets.UTF_8);
            return t.startsWith("\uFEFF") ? t.substring(1) : t;
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new CryosiamUserException(file + ": not a text file in UTF-8, so not a particle list; give "
                    + ACCEPTED + ".", e);
        } catch (java.io.IOException e) {
            throw new CryosiamUserException(file + ": cannot read (" + e.getMessage() + ").", e);
        }
    }

    /**
     * copick picks as a particle table: {@code rlnCoordinateX/Y/Z} in voxels (the location in Å divided by the
     * pixel size of the run's tomogram, copick's convention: location = voxel index × voxel spacing),
     * {@code rlnTomoName} = the file's {@code run_name} (else {@code defaultName}), and the points' scores as
     * {@code rlnAutopickFigureOfMerit} when they have any.
     */
    public static Table copickTable(Path file, Relion5Particles.Grids grids, String defaultName) {
        org.cryosiam.io.copick.CopickProject.Picks picks = org.cryosiam.io.copick.CopickProject.picks(file,
                Json.parse(text(file)));
        String run = picks.run() != null ? picks.run() : defaultName;
        if (run == null) {
            throw new CryosiamUserException(file + ": copick picks without run_name, so the tomogram they belong to "
                    + "is not known; give a single tomogram instead of a folder.");
        }
        int n = picks.xyz().length;
        double pixelSize = n == 0 ? 1 : grids.of(run, null).pixelSize();
        double[][] v = new double[3][n];
        boolean scored = false;
        for (int i = 0; i < n; i++) {
            for (int a = 0; a < 3; a++) {
                v[a][i] = Relion5Particles.snap(picks.xyz()[i][a] / pixelSize);
            }
            scored |= !Double.isNaN(picks.scores()[i]);
        }
        String[] names = new String[n];
        Arrays.fill(names, run);
        Table.Builder b = Table.builder(file.toString());
        for (int a = 0; a < 3; a++) {
            b.doubles(Relion5Particles.PIXEL.get(a), v[a]);
        }
        b.strings(Relion5Particles.TOMO_NAME, names);
        if (scored) {
            b.doubles("rlnAutopickFigureOfMerit", picks.scores());
        }
        return b.build();
    }

    /**
     * Reads the file; {@code flag} names the option it came from, for messages; {@code grids} gives the tomogram
     * grid of a name, asked only for RELION 5 coordinates.
     */
    /**
     * Reads a particle list of any {@link Format}, told by its content; copick picks without {@code run_name} belong
     * to {@code defaultName}.
     */
    public static Particles read(Path file, String flag, Relion5Particles.Grids grids, Units units,
                                 String defaultName, Log log) {
        Format f = format(file, flag);
        if (f == Format.COPICK) {
            Table t = copickTable(file, grids, defaultName);
            checkCoordinates(file, t, Relion5Particles.PIXEL.toArray(String[]::new));
            return new Particles(file, true, false, t, t.strings(Relion5Particles.TOMO_NAME),
                    t.doubles(Relion5Particles.PIXEL.get(0)), t.doubles(Relion5Particles.PIXEL.get(1)),
                    t.doubles(Relion5Particles.PIXEL.get(2)));
        }
        return read(file, flag, f == Format.STAR, grids, units, log);
    }

    /**
     * A particle STAR file's table with voxel coordinates: RELION 3/4 files as they are, RELION 5 files (centred Å,
     * told apart by their columns) converted on the grid of each row's tomogram, Warp's fractions (see {@link Units})
     * scaled by it. Warp's tomogram names lose their {@code .tomostar} suffix.
     */
    public static Table readStar(Path file, Relion5Particles.Grids grids, Units units, Log log) {
        return starWithVoxels(file, grids, units, log).table();
    }

    /** A STAR table with voxel coordinates, and whether they were converted from RELION 5 centred Å. */
    private record StarRead(Table table, boolean centred) {
    }

    private static StarRead starWithVoxels(Path file, Relion5Particles.Grids grids, Units units,
                                           Log log) {
        Map<String, Table> blocks = StarFile.read(file);
        Table t = StarFile.particleTable(file, blocks);
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
            return new StarRead(Relion5Particles.withPixels(file, t, blocks.get("optics"), grids), true);
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
    public static Particles read(Path file, String flag, boolean star, Relion5Particles.Grids grids,
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
