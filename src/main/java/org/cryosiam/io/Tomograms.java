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
import org.cryosiam.io.zarr.OmeZarrStream;
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
     * {@link #write} slab by slab: MRC is written as the planes come; OME-Zarr row of chunks by row of chunks, each
     * pyramid level made as the rows above it are complete ({@link OmeZarrStream}).
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
        String name = target.getFileName().toString();
        OmeZarrStream zarr = OmeZarrStream.open(target, shape, type, geometry, 0, Downsample.modeByDefault(type),
                name.substring(0, name.length() - ".zarr".length()), outputs);
        return new Output() {
            @Override
            public void append(NdData planes) {
                zarr.append(planes);
            }

            @Override
            public void finish() {
                zarr.finish();
            }

            @Override
            public void close() {
                zarr.close();
            }
        };
    }

    /**
     * Bytes that {@link #planes} of {@code file} holds besides the planes the caller asks for: for OME-Zarr a row of
     * chunks along z (chunks are read whole), for MRC nothing more.
     */
    public static long readerBytes(Path file) {
        return OmeZarr.isZarr(file) ? OmeZarr.planeReaderBytes(file) : 0;
    }

    /** Bytes that {@link #output} to {@code target} holds while it is filled: the rows of an OME-Zarr pyramid. */
    public static long outputBytes(Path target, int[] shape, ElementType type) {
        return OmeZarr.isZarr(target) ? OmeZarrStream.bufferBytes(shape, type, 0) : 0;
    }

    /**
     * Refuses, before any voxel is read, a tomogram that a command must hold whole when it cannot: {@code bytesPerVoxel}
     * times its declared size (from the header or metadata alone) against the memory budget ({@code --max_memory},
     * else {@link MachineMemory#defaultBudget}), the Java heap, and the 2^31 elements of one Java array. One sentence
     * naming the file, its declared shape and size, and the budget.
     *
     * @param what what the command holds, e.g. "the tomogram and its instance labels"
     */
    public static void requireWhole(Path file, int[] shape, int bytesPerVoxel, Long maxMemory, String what) {
        long voxels = (long) shape[0] * shape[1] * shape[2];
        long bytes = voxels * bytesPerVoxel;
        String declared = file + ": the tomogram is declared as " + shape[0] + "x" + shape[1] + "x" + shape[2]
                + " voxels, and " + what + " take about " + org.cryosiam.inference.MemoryPlan.size(bytes) + " held whole";
        requireOneArray(file, shape, what);
        MachineMemory.Budget budget = MachineMemory.budget(maxMemory);
        if (bytes > budget.bytes()) {
            throw new CryosiamUserException(declared + ", more than the " + org.cryosiam.inference.MemoryPlan.size(
                    budget.bytes()) + " allowed (" + budget.origin() + "); raise --max_memory, or crop or bin the "
                    + "tomogram.");
        }
        long heap = Runtime.getRuntime().maxMemory();
        if (bytes > heap) {
            throw new CryosiamUserException(declared + ", more than the JVM's " + org.cryosiam.inference.MemoryPlan
                    .size(heap) + " of heap; raise -Xmx in JAVA_OPTS.");
        }
    }

    /**
     * Bytes per voxel that {@link #read} of {@code file} holds at its peak: the float32 volume, and for OME-Zarr of
     * another type the decoded array it is converted from.
     */
    public static int wholeReadBytesPerVoxel(Path file) {
        if (!OmeZarr.isZarr(file)) {
            return Float.BYTES;
        }
        ElementType t = OmeZarr.open(file).type();
        return Float.BYTES + (t == ElementType.FLOAT32 ? 0 : t.bytes());
    }

    /**
     * Refuses a tomogram of more voxels than one Java array holds (2^31) where {@code what} is held whole, before
     * anything is read.
     */
    public static void requireOneArray(Path file, int[] shape, String what) {
        long voxels = (long) shape[0] * shape[1] * shape[2];
        if (voxels > Integer.MAX_VALUE - 8) {
            throw new CryosiamUserException(file + ": the tomogram is declared as " + shape[0] + "x" + shape[1] + "x"
                    + shape[2] + " voxels, more than one Java array holds (2^31), and " + what + " must be held "
                    + "whole; crop or bin the tomogram.");
        }
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
