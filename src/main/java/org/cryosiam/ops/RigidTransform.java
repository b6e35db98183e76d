package org.cryosiam.ops;

/**
 * Rotation of a small volume about its centre with trilinear sampling, as the reference's
 * {@code processing_create_binary_map_after_sta} does with SciPy (cryosiam 1.0, SciPy 1.10):
 * <ul>
 * <li>the rotation matrix is {@code scipy.spatial.transform.Rotation.from_euler('ZYZ', [rot, tilt, psi],
 * degrees=True).as_matrix()}: intrinsic z-y'-z'', i.e. {@code Rz(rot) · Ry(tilt) · Rz(psi)};</li>
 * <li>for every voxel {@code (z, y, x)} of the output grid, the centred vector
 * {@code (x − nx/2, y − ny/2, z − nz/2)} (true division) is multiplied by the matrix, shifted back by the centre and
 * sampled in the input there;</li>
 * <li>sampling is {@code scipy.ndimage.map_coordinates(order=1, mode='constant', cval=0)}: trilinear inside the grid,
 * and 0 when any coordinate lies outside {@code [0, n − 1]} (SciPy's {@code constant} mode does not interpolate
 * towards the edge value).</li>
 * </ul>
 * Volumes are flat {@code (nz, ny, nx)} arrays, x fastest.
 */
public final class RigidTransform {
    private RigidTransform() {
    }

    /** {@code Rotation.from_euler('ZYZ', [rot, tilt, psi], degrees=True).as_matrix()} as {@code m[row][col]}. */
    public static double[][] eulerZYZ(double rotDeg, double tiltDeg, double psiDeg) {
        return multiply(multiply(rotZ(Math.toRadians(rotDeg)), rotY(Math.toRadians(tiltDeg))),
                rotZ(Math.toRadians(psiDeg)));
    }

    private static double[][] rotZ(double a) {
        double c = Math.cos(a), s = Math.sin(a);
        return new double[][] {{c, -s, 0}, {s, c, 0}, {0, 0, 1}};
    }

    private static double[][] rotY(double a) {
        double c = Math.cos(a), s = Math.sin(a);
        return new double[][] {{c, 0, s}, {0, 1, 0}, {-s, 0, c}};
    }

    /** The 3 × 3 matrix product {@code a·b}. */
    public static double[][] multiply(double[][] a, double[][] b) {
        double[][] m = new double[3][3];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                m[i][j] = a[i][0] * b[0][j] + a[i][1] * b[1][j] + a[i][2] * b[2][j];
            }
        }
        return m;
    }

    /**
     * {@code map_coordinates(v, [[z], [y], [x]], order=1, mode='constant')}: trilinear interpolation, 0 outside.
     */
    public static double sample(float[] v, int nz, int ny, int nx, double z, double y, double x) {
        if (!(z >= 0 && z <= nz - 1 && y >= 0 && y <= ny - 1 && x >= 0 && x <= nx - 1)) {
            return 0.0;
        }
        int z0 = (int) z, y0 = (int) y, x0 = (int) x; // floor: the coordinates are ≥ 0
        double tz = z - z0, ty = y - y0, tx = x - x0;
        int z1 = z0 + 1 < nz ? z0 + 1 : z0; // at the last index the upper weight is 0
        int y1 = y0 + 1 < ny ? y0 + 1 : y0;
        int x1 = x0 + 1 < nx ? x0 + 1 : x0;
        int p00 = (z0 * ny + y0) * nx, p01 = (z0 * ny + y1) * nx;
        int p10 = (z1 * ny + y0) * nx, p11 = (z1 * ny + y1) * nx;
        double c00 = v[p00 + x0] * (1 - tx) + v[p00 + x1] * tx;
        double c01 = v[p01 + x0] * (1 - tx) + v[p01 + x1] * tx;
        double c10 = v[p10 + x0] * (1 - tx) + v[p10 + x1] * tx;
        double c11 = v[p11 + x0] * (1 - tx) + v[p11 + x1] * tx;
        double c0 = c00 * (1 - ty) + c01 * ty;
        double c1 = c10 * (1 - ty) + c11 * ty;
        return c0 * (1 - tz) + c1 * tz;
    }

    /** The volume rotated about its centre by {@code r} (see the class comment), same shape, as float64 samples. */
    public static double[] rotate(float[] v, int nz, int ny, int nx, double[][] r) {
        check(v, nz, ny, nx);
        double[] out = new double[v.length];
        double hz = nz / 2.0, hy = ny / 2.0, hx = nx / 2.0;
        for (int z = 0; z < nz; z++) {
            for (int y = 0; y < ny; y++) {
                for (int x = 0; x < nx; x++) {
                    out[(z * ny + y) * nx + x] = sampleRotated(v, nz, ny, nx, r, z - hz, y - hy, x - hx);
                }
            }
        }
        return out;
    }

    /**
     * Rotates a binary map (values 0/1) about its centre by {@code r} and pastes it into {@code out}: map voxel
     * {@code (i, j, k)} lands on {@code (cz − mz/2 + i, cy − my/2 + j, cx − mx/2 + k)} (integer halves, so the map's
     * centre voxel sits on the particle's voxel), clipped to the output. Each output voxel whose trilinear sample
     * is ≥ 0.5 is set to {@code value}; the others are left as they are (particles are united).
     *
     * @return the number of voxels set
     */
    public static long pasteRotatedMask(float[] map, int mz, int my, int mx, double[][] r,
                                        byte[] out, int nz, int ny, int nx, int cz, int cy, int cx, byte value) {
        check(map, mz, my, mx);
        check(out, nz, ny, nx);
        long oz = (long) cz - mz / 2, oy = (long) cy - my / 2, ox = (long) cx - mx / 2; // output index of map (0,0,0)
        int i0 = (int) Math.max(0, -oz), i1 = (int) Math.min(mz, nz - oz);
        int j0 = (int) Math.max(0, -oy), j1 = (int) Math.min(my, ny - oy);
        int k0 = (int) Math.max(0, -ox), k1 = (int) Math.min(mx, nx - ox);
        double hz = mz / 2.0, hy = my / 2.0, hx = mx / 2.0;
        long set = 0;
        for (int i = i0; i < i1; i++) {
            for (int j = j0; j < j1; j++) {
                int row = (int) (((oz + i) * ny + (oy + j)) * nx + ox);
                for (int k = k0; k < k1; k++) {
                    if (sampleRotated(map, mz, my, mx, r, i - hz, j - hy, k - hx) >= 0.5) {
                        out[row + k] = value;
                        set++;
                    }
                }
            }
        }
        return set;
    }

    /** The sample at the rotated position of the centred grid vector {@code (x, y, z)}. */
    private static double sampleRotated(float[] v, int nz, int ny, int nx, double[][] r,
                                        double zc, double yc, double xc) {
        double xs = r[0][0] * xc + r[0][1] * yc + r[0][2] * zc + nx / 2.0;
        double ys = r[1][0] * xc + r[1][1] * yc + r[1][2] * zc + ny / 2.0;
        double zs = r[2][0] * xc + r[2][1] * yc + r[2][2] * zc + nz / 2.0;
        return sample(v, nz, ny, nx, zs, ys, xs);
    }

    private static void check(Object a, int nz, int ny, int nx) {
        int len = a instanceof float[] ? ((float[]) a).length : ((byte[]) a).length;
        if (nz <= 0 || ny <= 0 || nx <= 0 || (long) nz * ny * nx != len) {
            throw new IllegalArgumentException("volume " + nz + "x" + ny + "x" + nx + " does not match "
                    + len + " voxels");
        }
    }
}
