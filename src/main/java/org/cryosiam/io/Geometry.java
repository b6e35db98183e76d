package org.cryosiam.io;

/**
 * Where a volume's grid lies in space, as an MRC header says it: what an output derived from a tomogram copies, so
 * that it overlays the tomogram in IMOD or napari. All three arrays are {@code {x, y, z}}.
 *
 * @param voxelSize Å per voxel
 * @param origin    the header's origin in Å (MRC2014 words 50-52)
 * @param start     the index of the first column, row and section (nxstart, nystart, nzstart)
 */
public record Geometry(float[] voxelSize, float[] origin, int[] start) {
    public Geometry {
        if (voxelSize.length != 3 || origin.length != 3 || start.length != 3) {
            throw new IllegalArgumentException("voxel size, origin and start need 3 values (x, y, z)");
        }
        voxelSize = voxelSize.clone();
        origin = origin.clone();
        start = start.clone();
    }

    /** A grid at the origin (no input tomogram to copy from). */
    public static Geometry of(float[] voxelSize) {
        return new Geometry(voxelSize, new float[3], new int[3]);
    }

    @Override
    public float[] voxelSize() {
        return voxelSize.clone();
    }

    @Override
    public float[] origin() {
        return origin.clone();
    }

    @Override
    public int[] start() {
        return start.clone();
    }

    /** The voxel size as {@code {z, y, x}}, the order of the array axes (what HDF5 outputs carry). */
    public float[] voxelSizeZyx() {
        return new float[] {voxelSize[2], voxelSize[1], voxelSize[0]};
    }
}
