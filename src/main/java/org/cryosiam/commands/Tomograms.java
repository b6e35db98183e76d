package org.cryosiam.commands;

import java.nio.file.Path;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.io.Geometry;
import org.cryosiam.io.MrcReader;
import org.cryosiam.volume.Volume;

/** Reading a tomogram that a network will see. */
final class Tomograms {
    private Tomograms() {
    }

    /**
     * Reads {@code file} and refuses a tomogram without contrast: a constant one (e.g. all zeros, a failed
     * reconstruction) would be scaled by 0/0 and give an all-NaN output; one with NaN voxels spreads NaN the same way.
     */
    static Volume read(Path file) {
        Volume v = MrcReader.read(file);
        refuseConstant(file, v.data());
        return v;
    }

    /** Where {@code file}'s grid lies (voxel size, origin, start), for the outputs derived from it. */
    static Geometry geometry(Path file) {
        return MrcReader.readHeader(file).geometry();
    }

    static void refuseConstant(Path file, float[] x) {
        float first = x.length == 0 ? 0 : x[0];
        boolean constant = true;
        for (float f : x) {
            if (Float.isNaN(f)) {
                throw new CryosiamUserException(file + ": the tomogram has voxels that are not a number (NaN), "
                        + "which would make the whole output NaN; repair or replace the file.");
            }
            constant &= f == first;
        }
        if (constant) {
            throw new CryosiamUserException(file + ": every voxel of the tomogram has the value " + first
                    + ", so there is no contrast to work on; check that it is the "
                    + "right file and that its reconstruction succeeded.");
        }
    }
}
