package org.cryosiam.workflow;

import java.util.Locale;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.io.Particles;

/**
 * How the {@code processing_*} commands read particle coordinates, from their flags as given: {@code --pixel_size}
 * (Å), for tomograms whose header has no voxel size, used wherever coordinates or shifts in Å become voxels; and
 * {@code --coordinates} ({@code auto}, {@code voxels} or {@code fractions}), how {@code rlnCoordinateX/Y/Z} are read.
 */
public record ParticleReading(String pixelSizeText, String coordinatesText) {
    public static final ParticleReading DEFAULT = new ParticleReading(null, null);

    /** {@code --pixel_size}, or null when not given (the tomogram's header then gives it). */
    public Double pixelSize() {
        Double p = Flags.number("--pixel_size", pixelSizeText);
        if (p != null && !(p > 0)) {
            throw new CryosiamUserException("--pixel_size " + pixelSizeText + ": give the tomogram's pixel size in Å "
                    + "(above 0).");
        }
        return p;
    }

    /** {@code --coordinates}: {@code auto} (the default) detects Warp's fractions. */
    public Particles.Units units() {
        if (coordinatesText == null) {
            return Particles.Units.AUTO;
        }
        try {
            return Particles.Units.valueOf(coordinatesText.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new CryosiamUserException("--coordinates " + coordinatesText + ": give auto, voxels or fractions.");
        }
    }
}
