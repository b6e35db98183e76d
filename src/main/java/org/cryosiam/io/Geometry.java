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

    /**
     * Where the centre of voxel (0, 0, 0) lies, in Å {@code {x, y, z}}: the origin, or, when the origin is 0 on every
     * axis, start × voxel size. This is how ChimeraX places an MRC map (IMOD ignores the start, and an origin is what
     * it sets); it is what an OME-Zarr level-0 {@code translation} holds.
     */
    public double[] firstVoxelPosition() {
        boolean hasOrigin = origin[0] != 0 || origin[1] != 0 || origin[2] != 0;
        double[] p = new double[3];
        for (int a = 0; a < 3; a++) {
            p[a] = hasOrigin ? origin[a] : (double) start[a] * voxelSize[a];
        }
        return p;
    }

    /** The voxel size as {@code {z, y, x}}, the order of the array axes (what HDF5 outputs carry). */
    public float[] voxelSizeZyx() {
        return new float[] {voxelSize[2], voxelSize[1], voxelSize[0]};
    }
}
