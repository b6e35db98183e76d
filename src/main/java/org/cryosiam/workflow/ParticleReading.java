package org.cryosiam.workflow;

import org.cryosiam.CryosiamUserException;

/**
 * How the {@code processing_*} commands read particle coordinates, from their flags as given: {@code --pixel_size}
 * (Å), for tomograms whose header has no voxel size, used wherever coordinates or shifts in Å become voxels.
 */
public record ParticleReading(String pixelSizeText) {
    public static final ParticleReading DEFAULT = new ParticleReading(null);

    /** {@code --pixel_size}, or null when not given (the tomogram's header then gives it). */
    public Double pixelSize() {
        Double p = Flags.number("--pixel_size", pixelSizeText);
        if (p != null && !(p > 0)) {
            throw new CryosiamUserException("--pixel_size " + pixelSizeText + ": give the tomogram's pixel size in Å "
                    + "(above 0).");
        }
        return p;
    }
}
