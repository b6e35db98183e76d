package org.cryosiam.commands;

import java.nio.file.Path;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.io.Geometry;
import org.cryosiam.io.MrcReader;
import org.cryosiam.io.MrcWriter;
import org.cryosiam.io.NdData;
import org.cryosiam.io.OutputSink;
import org.cryosiam.io.zarr.Downsample;
import org.cryosiam.io.zarr.OmeZarr;
import org.cryosiam.volume.Volume;

/** Reading a tomogram that a network will see: an MRC file, or an OME-Zarr folder ({@code .zarr}). */
final class Tomograms {
    private Tomograms() {
    }

    /**
     * Reads {@code file} and refuses a tomogram without contrast: a constant one (e.g. all zeros, a failed
     * reconstruction) would be scaled by 0/0 and give an all-NaN output; one with NaN voxels spreads NaN the same way.
     */
    static Volume read(Path file) {
        Volume v = OmeZarr.isZarr(file) ? OmeZarr.read(file) : MrcReader.read(file);
        refuseConstant(file, v.data());
        return v;
    }

    /** The tomogram's size {@code (z, y, x)} from its header or metadata alone (MRC or OME-Zarr). */
    static int[] shape(Path file) {
        if (OmeZarr.isZarr(file)) {
            return OmeZarr.open(file).shape();
        }
        org.cryosiam.io.MrcHeader h = MrcReader.readHeader(file);
        return new int[] {h.nz(), h.ny(), h.nx()};
    }

    /** Where {@code file}'s grid lies (voxel size, origin, start), for the outputs derived from it. */
    static Geometry geometry(Path file) {
        return OmeZarr.isZarr(file) ? Geometry.of(OmeZarr.open(file).voxelSize()) : MrcReader.readHeader(file).geometry();
    }

    /**
     * Writes a volume derived from a tomogram under the input's own extension: OME-Zarr for a {@code .zarr} name
     * (integer types downsampled by mode, floats by mean; float32 kept), MRC otherwise (float16 on request, the
     * input's origin and a label naming {@code command}).
     */
    static void write(Path target, NdData data, Geometry geometry, String command, boolean float16,
                      OutputSink outputs) {
        if (OmeZarr.isZarr(target)) {
            String name = target.getFileName().toString();
            OmeZarr.write(target, data, geometry.voxelSize(), 0, Downsample.modeByDefault(data.type()),
                    name.substring(0, name.length() - ".zarr".length()), outputs);
        } else if (float16) {
            MrcWriter.writeFloat16(target, data, geometry, command, outputs);
        } else {
            MrcWriter.write(target, data, geometry, command, outputs);
        }
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
