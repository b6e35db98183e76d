package org.cryosiam.inference;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.io.Hdf5;
import org.cryosiam.io.NdData;
import org.cryosiam.ops.VolumeResize;

/**
 * The lamella mask that dense commands multiply their outputs by ({@code mask_folder}): the {@code labels} dataset of
 * the lamella run's {@code <stem>_preds.h5}, as int8, resampled linearly (then truncated) when its shape differs
 * from the tomogram's.
 */
public final class LamellaMask {
    private LamellaMask() {
    }

    /** The mask file of tomogram {@code stem}; a user error naming it when it is absent. */
    public static Path require(Path maskFolder, String stem) {
        Path file = maskFolder.resolve(stem + "_preds.h5");
        if (!Files.isRegularFile(file)) {
            throw new CryosiamUserException(file + ": lamella mask not found (mask_folder must hold the lamella "
                    + "prediction <stem>_preds.h5 of every tomogram).");
        }
        return file;
    }

    /** The mask for tomogram {@code stem}, of {@code shape} ({@code z, y, x}), one byte per voxel. */
    public static byte[] load(Path maskFolder, String stem, int[] shape) {
        Path file = require(maskFolder, stem);
        NdData labels = Hdf5.read(file, "labels");
        int[] from = labels.shape();
        if (from.length != 3) {
            throw new CryosiamUserException(file + ": dataset 'labels' has shape " + Arrays.toString(from)
                    + ", expected a 3-D volume.");
        }
        long[] values = labels.toLongArray();
        byte[] mask = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            mask[i] = (byte) values[i]; // numpy astype(int8) wraps the same way
        }
        if (Arrays.equals(from, shape)) {
            return mask;
        }
        float[] asFloat = new float[mask.length];
        for (int i = 0; i < mask.length; i++) {
            asFloat[i] = mask[i];
        }
        float[] resized = VolumeResize.linear(asFloat, from, shape);
        byte[] out = new byte[resized.length];
        for (int i = 0; i < resized.length; i++) {
            out[i] = (byte) (int) resized[i]; // truncation toward zero, as astype(int8)
        }
        return out;
    }

    /** Multiplies a slab of a map, planes from voxel {@code maskOffset} of the volume on, by the mask in place. */
    public static void apply(float[] slab, byte[] mask, long maskOffset) {
        if (maskOffset < 0 || maskOffset + slab.length > mask.length) {
            throw new IllegalArgumentException("slab of " + slab.length + " voxels from " + maskOffset + ", mask of "
                    + mask.length);
        }
        int o = (int) maskOffset;
        for (int i = 0; i < slab.length; i++) {
            slab[i] *= mask[o + i];
        }
    }

    /** How many voxels the mask keeps (not 0). */
    public static long inside(byte[] mask) {
        long n = 0;
        for (byte b : mask) {
            n += b != 0 ? 1 : 0;
        }
        return n;
    }

    /** Multiplies a map by the mask in place. */
    public static void apply(float[] map, byte[] mask) {
        if (map.length != mask.length) {
            throw new IllegalArgumentException("map of " + map.length + " voxels, mask of " + mask.length);
        }
        for (int i = 0; i < map.length; i++) {
            map[i] *= mask[i];
        }
    }
}
