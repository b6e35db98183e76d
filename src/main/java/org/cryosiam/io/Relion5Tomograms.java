package org.cryosiam.io;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.cryosiam.CryosiamUserException;

/**
 * A RELION 5 {@code tomograms.star}: the reconstruction of each tomogram, {@code rlnTomoName} →
 * {@code rlnTomoReconstructedTomogram} (RELION 5 names them {@code rec_<rlnTomoName>.mrc}). The paths are relative to
 * the RELION project folder, where RELION runs; the file lies inside it ({@code Tomograms/job006/tomograms.star}), so
 * each path is looked for from the file's folder upwards, then from the working directory.
 */
public final class Relion5Tomograms {
    public static final String FILE_NAME = "tomograms.star";
    /** RELION 5's name for the reconstruction of a tomogram: {@code rec_<rlnTomoName>.mrc}. */
    public static final String RECONSTRUCTION_PREFIX = "rec_";
    private static final String NAME = "rlnTomoName";
    private static final String RECONSTRUCTION = "rlnTomoReconstructedTomogram";

    private Relion5Tomograms() {
    }

    /** Whether {@code file} is a STAR file (a tomogram list, not a tomogram). */
    public static boolean isStar(Path file) {
        return file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".star");
    }

    /** Each tomogram's reconstruction, in file order; a listed file that does not exist is an error. */
    public static Map<String, Path> read(Path star) {
        for (Table t : StarFile.read(star).values()) {
            if (!t.hasColumn(NAME) || !t.hasColumn(RECONSTRUCTION)) {
                continue;
            }
            String[] names = t.strings(NAME);
            String[] files = t.strings(RECONSTRUCTION);
            Map<String, Path> out = new LinkedHashMap<>();
            for (int i = 0; i < names.length; i++) {
                out.put(names[i], resolve(star, files[i]));
            }
            return out;
        }
        throw new CryosiamUserException(star + ": no block with rlnTomoName and rlnTomoReconstructedTomogram, so this "
                + "is not a RELION 5 tomograms.star of reconstructed tomograms.");
    }

    private static Path resolve(Path star, String listed) {
        Path p = Path.of(listed);
        if (p.isAbsolute()) {
            if (Files.isRegularFile(p)) {
                return p;
            }
        } else {
            for (Path dir = star.toAbsolutePath().getParent(); dir != null; dir = dir.getParent()) {
                if (Files.isRegularFile(dir.resolve(p))) {
                    return dir.resolve(p);
                }
            }
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new CryosiamUserException(star + ": the tomogram " + listed + " it lists was found neither from the "
                + "file's folder upwards (the RELION project) nor from the working directory.");
    }
}
