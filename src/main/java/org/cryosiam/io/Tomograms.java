package org.cryosiam.io;

import java.nio.file.Path;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.io.ElementType;
import org.cryosiam.io.Geometry;
import org.cryosiam.io.MrcReader;
import org.cryosiam.io.MrcWriter;
import org.cryosiam.io.NdData;
import org.cryosiam.io.OutputSink;
import org.cryosiam.io.PlaneReader;
import org.cryosiam.io.zarr.Downsample;
import org.cryosiam.io.zarr.OmeZarr;
import org.cryosiam.volume.Volume;

/** Reading a tomogram that a network will see: an MRC file, or an OME-Zarr folder ({@code .zarr}). */
public final class Tomograms {
    private Tomograms() {
    }

    /**
     * Reads {@code file} and refuses a tomogram without contrast: a constant one (e.g. all zeros, a failed
     * reconstruction) would be scaled by 0/0 and give an all-NaN output; one with NaN voxels spreads NaN the same way.
     */
    public static Volume read(Path file) {
        Volume v = OmeZarr.isZarr(file) ? OmeZarr.read(file) : MrcReader.read(file);
        refuseWithoutContrast(file, PlaneReader.of(v.data(), v.shape()));
        return v;
    }

    /**
     * Opens {@code file} plane by plane (a tomogram larger than memory) after one pass that refuses it as
     * {@link #read} does: without contrast, or with NaN voxels.
     */
    public static PlaneReader planes(Path file) {
        PlaneReader in = OmeZarr.isZarr(file) ? OmeZarr.planes(file) : MrcReader.planes(file);
        try {
            refuseWithoutContrast(file, in);
            return in;
        } catch (RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /**
     * Refuses a tomogram without contrast: a constant one (e.g. all zeros, a failed reconstruction) would be scaled
     * by 0/0 and give an all-NaN output; one with NaN voxels spreads NaN the same way. One pass over the planes.
     */
    private static void refuseWithoutContrast(Path file, PlaneReader tomogram) {
        int[] s = tomogram.shape();
        float[] plane = new float[s[1] * s[2]];
        float first = Float.NaN;
        boolean constant = true;
        for (int z = 0; z < s[0]; z++) {
            tomogram.read(z, plane);
            if (z == 0) {
                first = plane[0];
            }
            for (float f : plane) {
                if (Float.isNaN(f)) {
                    throw new CryosiamUserException(file + ": the tomogram has voxels that are not a number (NaN), "
                            + "which would make the whole output NaN; repair or replace the file.");
                }
                constant &= f == first;
            }
        }
        if (constant) {
            throw new CryosiamUserException(file + ": every voxel of the tomogram has the value " + first
                    + ", so there is no contrast to work on; check that it is the "
                    + "right file and that its reconstruction succeeded.");
        }
    }

    /** A volume file written slab by slab, in z order. */
    public interface Output extends AutoCloseable {
        /** The next planes (x fastest, then y, then z). */
        void append(NdData planes);

        /** Completes the file under its name; every plane must have been appended. */
        void finish();

        /** Without {@link #finish}: nothing is left under the target's name. */
        @Override
        void close();
    }

    /**
     * {@link #write} slab by slab: MRC is written as the planes come; OME-Zarr (whose pyramid needs the whole
     * volume) gathers them and writes at {@link Output#finish}.
     */
    public static Output output(Path target, int[] shape, ElementType type, Geometry geometry, String command,
            boolean float16, OutputSink outputs) {
        if (!OmeZarr.isZarr(target)) {
            MrcWriter.Stream mrc = MrcWriter.stream(target, shape, type, float16, geometry, command,
                    outputs);
            return new Output() {
                @Override
                public void append(NdData planes) {
                    mrc.append(planes);
                }

                @Override
                public void finish() {
                    mrc.finish();
                }

                @Override
                public void close() {
                    mrc.close();
                }
            };
        }
        int n = Math.multiplyExact(Math.multiplyExact(shape[0], shape[1]), shape[2]);
        Object whole = type == ElementType.FLOAT32 ? new float[n] : type == ElementType.UINT8 ? new byte[n] : null;
        if (whole == null) {
            throw new IllegalArgumentException("no streamed OME-Zarr output of " + type.numpyName());
        }
        return new Output() {
            private int filled;

            @Override
            public void append(NdData planes) {
                System.arraycopy(planes.data(), 0, whole, filled, planes.size());
                filled += planes.size();
            }

            @Override
            public void finish() {
                write(target, new NdData(type, shape.clone(), whole), geometry, command, float16, outputs);
            }

            @Override
            public void close() {
            }
        };
    }

    /** The tomogram's size {@code (z, y, x)} from its header or metadata alone (MRC or OME-Zarr). */
    public static int[] shape(Path file) {
        if (OmeZarr.isZarr(file)) {
            return OmeZarr.open(file).shape();
        }
        org.cryosiam.io.MrcHeader h = MrcReader.readHeader(file);
        return new int[] {h.nz(), h.ny(), h.nx()};
    }

    /** Where {@code file}'s grid lies (voxel size, origin, start), for the outputs derived from it. */
    public static Geometry geometry(Path file) {
        return OmeZarr.isZarr(file) ? OmeZarr.open(file).geometry() : MrcReader.readHeader(file).geometry();
    }

    /**
     * Writes a volume derived from a tomogram under the input's own extension: OME-Zarr for a {@code .zarr} name
     * (integer types downsampled by mode, floats by mean; float32 kept), MRC otherwise (float16 on request, the
     * input's origin and a label naming {@code command}).
     */
    public static void write(Path target, NdData data, Geometry geometry, String command, boolean float16,
                      OutputSink outputs) {
        if (OmeZarr.isZarr(target)) {
            String name = target.getFileName().toString();
            OmeZarr.write(target, data, geometry, 0, Downsample.modeByDefault(data.type()),
                    name.substring(0, name.length() - ".zarr".length()), outputs);
        } else if (float16) {
            MrcWriter.writeFloat16(target, data, geometry, command, outputs);
        } else {
            MrcWriter.write(target, data, geometry, command, outputs);
        }
    }
}
