package org.cryosiam.workflow;

import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Function;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.config.Config;
import org.cryosiam.io.OutputSink;
import org.cryosiam.io.Relion5Particles;
import org.cryosiam.io.StarFile;
import org.cryosiam.io.Table;
import org.cryosiam.io.Tomograms;
import org.cryosiam.log.Log;

/**
 * The tomogram grids that RELION 5 particle coordinates are measured on, and the config keys that choose and
 * describe RELION 5 output: {@code star_format} ({@code reference}, the default, or {@code relion5}),
 * {@code pixel_size} (Å; wins over the tomogram's header), {@code voltage} (kV), {@code spherical_aberration} (mm)
 * and {@code amplitude_contrast} (optional, for the optics block).
 */
public final class ParticleGrids {
    public static final String REFERENCE = "reference";
    public static final String RELION5 = "relion5";

    private ParticleGrids() {
    }

    /** Whether the config asks for RELION 5 particle STAR files. */
    public static boolean relion5(Config cfg) {
        String f = cfg.string("star_format", REFERENCE).toLowerCase(Locale.ROOT);
        if (!f.equals(REFERENCE) && !f.equals(RELION5)) {
            throw new CryosiamUserException(cfg.source() + ": star_format must be " + REFERENCE + " or " + RELION5
                    + ", found '" + cfg.string("star_format") + "'.");
        }
        return f.equals(RELION5);
    }

    /** Checks the STAR keys before any work; whether RELION 5 output is asked for. */
    public static boolean check(Config cfg) {
        optics(cfg);
        configPixelSize(cfg);
        return relion5(cfg);
    }

    /** {@link #check}, for a command whose RELION 5 output needs the tomograms of {@code data_folder}. */
    public static void checkWithTomograms(Config cfg) {
        if (check(cfg) && !cfg.has("data_folder")) {
            throw new CryosiamUserException(cfg.source() + ": star_format: relion5 needs data_folder, the tomograms "
                    + "whose centre and pixel size the coordinates are measured from.");
        }
    }

    public static Relion5Particles.Optics optics(Config cfg) {
        return new Relion5Particles.Optics(optional(cfg, "voltage"), optional(cfg, "spherical_aberration"),
                optional(cfg, "amplitude_contrast"));
    }

    /** {@code pixel_size} of the config, or null; a value not above 0 is an error. */
    public static Double configPixelSize(Config cfg) {
        Double p = optional(cfg, "pixel_size");
        if (p != null && !(p > 0)) {
            throw new CryosiamUserException(cfg.source() + ": pixel_size must be above 0 Å, found " + p + ".");
        }
        return p;
    }

    private static Double optional(Config cfg, String key) {
        return cfg.has(key) ? cfg.number(key) : null;
    }

    /**
     * The grid of a tomogram of {@code size} voxels ({@code x, y, z}): the config's pixel size when given, else the
     * header's (x axis), else (a header of 0 Å, not set, or 1 Å, often a placeholder) the pixel size the particle
     * file gives for it (RELION 5's optics block), said in a warning since it is right only for an unbinned
     * tomogram. Without any, the header's 0 or 1 Å is warned about, since the coordinates would not be in Ångström;
     * 0 is taken as 1.
     *
     * @param filePixelSize what the particle file says, or null
     * @param source        what the header belongs to, for the warning
     * @param log           where the warning goes
     */
    public static Relion5Particles.Grid grid(int[] size, float headerPixelSize, Double configPixelSize,
                                             Double filePixelSize, String source, Log log) {
        if (configPixelSize != null) {
            return new Relion5Particles.Grid(size, configPixelSize);
        }
        // cella / mx in float: 13.48 comes back as 13.479999 or 13.480001 depending on the size; 1e-5 Å keeps
        // every meaningful digit and gives one optics group to tomograms of one pixel size
        double header = Math.rint(headerPixelSize * 1e5) / 1e5;
        if ((header == 0 || header == 1) && filePixelSize != null) {
            log.warn(source + ": the header's pixel size is " + (header == 0 ? "not set (0 Å)" : "1 Å, often a "
                    + "placeholder") + "; the particle file's rlnTomoTiltSeriesPixelSize, " + filePixelSize + " Å, is "
                    + "used, which is right if this tomogram is not binned (give pixel_size in the config, "
                    + "--pixel_size for the processing commands, if it is).");
            return new Relion5Particles.Grid(size, filePixelSize);
        }
        if (header == 0 || header == 1) {
            log.warn(source + ": the pixel size is " + (header == 0 ? "not set (0 Å)" : "1 Å, often a "
                    + "placeholder") + ", so RELION 5 coordinates would not be in Ångström; set pixel_size in the "
                    + "config (--pixel_size for the processing commands) or the voxel size in the header"
                    + (header == 0 ? "; 1 Å is used." : "."));
            header = 1;
        }
        return new Relion5Particles.Grid(size, header);
    }

    public static Relion5Particles.Grid grid(Path tomogram, Double configPixelSize, Double filePixelSize, Log log) {
        int[] zyx = Tomograms.shape(tomogram);
        return grid(new int[] {zyx[2], zyx[1], zyx[0]}, Tomograms.geometry(tomogram).voxelSize()[0], configPixelSize,
                filePixelSize, tomogram.toString(), log);
    }

    /**
     * The grid of the tomogram {@code <data_folder>/<name>} ({@code file_extension} added when the name lacks it):
     * its header's size and voxel size, the config's {@code pixel_size} winning.
     */
    public static Relion5Particles.Grid tomogramGrid(Config cfg, String name, Log log) {
        String ext = cfg.string("file_extension");
        Path t = cfg.path("data_folder").resolve(name.endsWith(ext) ? name : name + ext);
        return grid(t, configPixelSize(cfg), null, log);
    }

    /**
     * Writes a particle table in the reference's layout (voxel {@code rlnCoordinateX/Y/Z}, the tomogram in
     * {@code rlnMicrographName}, else every row {@code defaultName}) as it is, or, with {@code star_format:
     * relion5}, as RELION 5 blocks on the grids of its tomograms.
     */
    public static void writeStar(Path file, Table t, Config cfg, Function<String, Relion5Particles.Grid> grids,
                          String defaultName, OutputSink outputs) {
        if (!relion5(cfg)) {
            StarFile.write(file, t, outputs);
            return;
        }
        Table named = t;
        if (!t.hasColumn(NAME)) {
            String[] names = new String[t.rowCount()];
            java.util.Arrays.fill(names, defaultName);
            named = t.toBuilder().strings(NAME, names).build();
        }
        StarFile.writeBlocks(file, Relion5Particles.fromPixels(named, NAME, grids, optics(cfg)), outputs);
    }

    private static final String NAME = "rlnMicrographName";
}
