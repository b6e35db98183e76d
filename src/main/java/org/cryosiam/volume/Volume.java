package org.cryosiam.volume;

import java.util.Arrays;

/**
 * A float32 volume in {@code (z, y, x)} order (x fastest), with the voxel size in Ångström per axis
 * ({@code x, y, z}, as MRC headers store it). The voxels are one flat array: index = (z * ny + y) * nx + x.
 */
public final class Volume {
    private final float[] data;
    private final int nz, ny, nx;
    private final float[] voxelSize;

    public Volume(float[] data, int nz, int ny, int nx, float[] voxelSize) {
        if ((long) nz * ny * nx != data.length) {
            throw new IllegalArgumentException("volume " + nz + "x" + ny + "x" + nx + " needs " + (long) nz * ny * nx
                    + " voxels, got " + data.length);
        }
        if (voxelSize.length != 3) {
            throw new IllegalArgumentException("voxel size needs 3 values (x, y, z)");
        }
        this.data = data;
        this.nz = nz;
        this.ny = ny;
        this.nx = nx;
        this.voxelSize = voxelSize.clone();
    }

    public Volume(float[] data, int nz, int ny, int nx) {
        this(data, nz, ny, nx, new float[] {1f, 1f, 1f});
    }

    public static Volume zeros(int nz, int ny, int nx, float[] voxelSize) {
        return new Volume(new float[Math.multiplyExact(Math.multiplyExact(nz, ny), nx)], nz, ny, nx, voxelSize);
    }

    /** The voxels, shared (not copied). */
    public float[] data() {
        return data;
    }

    public int nz() {
        return nz;
    }

    public int ny() {
        return ny;
    }

    public int nx() {
        return nx;
    }

    /** Shape as {@code {nz, ny, nx}}. */
    public int[] shape() {
        return new int[] {nz, ny, nx};
    }

    /** Voxel size in Å as {@code {x, y, z}}. */
    public float[] voxelSize() {
        return voxelSize.clone();
    }

    public int index(int z, int y, int x) {
        return (z * ny + y) * nx + x;
    }

    public float get(int z, int y, int x) {
        return data[index(z, y, x)];
    }

    public void set(int z, int y, int x, float v) {
        data[index(z, y, x)] = v;
    }

    /** A volume with the same shape and voxel size holding other voxels. */
    public Volume withData(float[] other) {
        return new Volume(other, nz, ny, nx, voxelSize);
    }

    @Override
    public String toString() {
        return "Volume[" + nz + "x" + ny + "x" + nx + ", voxel " + Arrays.toString(voxelSize) + "]";
    }
}
