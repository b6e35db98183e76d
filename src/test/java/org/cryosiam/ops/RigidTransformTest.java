package org.cryosiam.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Rotation and trilinear sampling of the STA binary map. The map is resampled as the reference does:
 * {@code out(p) = map(c + R (p − c))} with {@code R = Rotation.from_euler('ZYZ', …)}, so a map voxel at offset
 * {@code m} from the centre lands at offset {@code Rᵀ m}.
 */
class RigidTransformTest {
    private static final int N = 8; // centre 4: the L-shape stays far from the box edge

    /** An asymmetric L in the plane z = 4: corner (4,4,4), an x-arm (4,4,5), (4,4,6) and a y-arm (4,5,4). */
    private static float[] lShape() {
        float[] m = new float[N * N * N];
        for (int[] p : new int[][] {{4, 4, 4}, {4, 4, 5}, {4, 4, 6}, {4, 5, 4}}) {
            m[(p[0] * N + p[1]) * N + p[2]] = 1f;
        }
        return m;
    }

    /** Voxels (z, y, x) set in a pasted output of the given size. */
    private static List<String> setVoxels(byte[] v, int nz, int ny, int nx) {
        List<String> out = new ArrayList<>();
        for (int z = 0; z < nz; z++) {
            for (int y = 0; y < ny; y++) {
                for (int x = 0; x < nx; x++) {
                    if (v[(z * ny + y) * nx + x] != 0) {
                        out.add(z + "," + y + "," + x);
                    }
                }
            }
        }
        return out;
    }

    private static List<String> rotatedL(double rot, double tilt, double psi) {
        byte[] out = new byte[N * N * N];
        RigidTransform.pasteRotatedMask(lShape(), N, N, N, RigidTransform.eulerZYZ(rot, tilt, psi),
                out, N, N, N, 4, 4, 4, (byte) 1);
        return setVoxels(out, N, N, N);
    }

    @Test
    void matrixIsScipyIntrinsicZyz() {
        // Rotation.from_euler('ZYZ', [30, 40, 50], degrees=True).as_matrix() (SciPy 1.10)
        double[][] want = {{0.04341204441673252, -0.8295983733257066, 0.5566703992264194},
                {0.9096158864219905, 0.26325835480968673, 0.3213938048432696},
                {-0.41317591116653474, 0.49240387650610407, 0.7660444431189781}};
        assertMatrix(want, RigidTransform.eulerZYZ(30, 40, 50));
        double[][] want2 = {{-0.18943728924822784, -0.8479770661125211, -0.49502364467718496},
                {0.3522796775231011, 0.4118917277862878, -0.840383384762839},
                {0.9165219813220535, -0.3335867202519116, 0.2206974350215011}};
        assertMatrix(want2, RigidTransform.eulerZYZ(-120.5, 77.25, 200));
    }

    private static void assertMatrix(double[][] want, double[][] got) {
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                assertEquals(want[i][j], got[i][j], 1e-14, "m[" + i + "][" + j + "]");
            }
        }
    }

    @Test
    void identityKeepsTheL() {
        assertEquals(List.of("4,4,4", "4,4,5", "4,4,6", "4,5,4"), rotatedL(0, 0, 0));
    }

    @Test
    void rotNinetyTurnsAboutZ() {
        // Rz(90)ᵀ maps (dx, dy, dz) to (dy, −dx, dz): the x-arm goes to −y, the y-arm to +x
        assertEquals(List.of("4,2,4", "4,3,4", "4,4,4", "4,4,5"), rotatedL(90, 0, 0));
        // psi alone is the same turn when tilt is 0
        assertEquals(rotatedL(90, 0, 0), rotatedL(0, 0, 90));
    }

    @Test
    void tiltNinetyTurnsAboutY() {
        // Ry(90)ᵀ maps (dx, dy, dz) to (−dz, dy, dx): the x-arm goes to +z, the y-arm stays
        assertEquals(List.of("4,4,4", "4,5,4", "5,4,4", "6,4,4"), rotatedL(0, 90, 0));
    }

    @Test
    void zyzComposesIntrinsically() {
        // (Rz(90) Ry(90))ᵀ = Ry(90)ᵀ Rz(90)ᵀ: x-arm (1,0,0) → (0,−1,0) → (0,−1,0): −y; y-arm (0,1,0) → (1,0,0) → +z
        assertEquals(List.of("4,2,4", "4,3,4", "4,4,4", "5,4,4"), rotatedL(90, 90, 0));
        // tilt then psi, Ry(90)·Rz(90): (Ry(90) Rz(90))ᵀ = Rz(90)ᵀ Ry(90)ᵀ, so Ry(90)ᵀ acts first:
        // x-arm (1,0,0) → (0,0,1) → (0,0,1): +z; y-arm (0,1,0) → (0,1,0) → (1,0,0): +x
        assertEquals(List.of("4,4,4", "4,4,5", "5,4,4", "6,4,4"), rotatedL(0, 90, 90));
    }

    @Test
    void voxelIsSetWhereTheSampleIsAtLeastHalf() {
        // two voxels (4,4,4), (4,4,5); output voxel (4,4,5) samples at offset (cos θ, sin θ): value 1 − sin θ
        float[] m = new float[N * N * N];
        m[(4 * N + 4) * N + 4] = 1f;
        m[(4 * N + 4) * N + 5] = 1f;
        for (double theta : new double[] {29, 31}) {
            byte[] out = new byte[N * N * N];
            RigidTransform.pasteRotatedMask(m, N, N, N, RigidTransform.eulerZYZ(theta, 0, 0), out, N, N, N, 4, 4, 4,
                    (byte) 1);
            assertEquals(theta < 30 ? 1 : 0, out[(4 * N + 4) * N + 5], "θ = " + theta);
            assertEquals(1, out[(4 * N + 4) * N + 4]);
        }
        double[] r = RigidTransform.rotate(m, N, N, N, RigidTransform.eulerZYZ(29, 0, 0));
        assertEquals(1 - Math.sin(Math.toRadians(29)), r[(4 * N + 4) * N + 5], 1e-12);
    }

    @Test
    void pasteIsClippedAndCentredOnTheParticle() {
        // a 12×10×9 output, particle at (0, 9, 3): only the part inside is written
        byte[] out = new byte[12 * 10 * 9];
        RigidTransform.pasteRotatedMask(lShape(), N, N, N, RigidTransform.eulerZYZ(0, 0, 0), out, 12, 10, 9,
                0, 9, 3, (byte) 1);
        // the L's voxels land at (z, 9 + dy, 3 + dx); the y-arm (dy = 1) falls outside
        assertEquals(List.of("0,9,3", "0,9,4", "0,9,5"), setVoxels(out, 12, 10, 9));
    }

    @Test
    void samplingFollowsScipyConstantMode() {
        float[] v = {1, 2, 3, 4, 5, 6, 7, 8}; // 2×2×2
        assertEquals(4.5, RigidTransform.sample(v, 2, 2, 2, 0.5, 0.5, 0.5), 1e-12);
        assertEquals(8, RigidTransform.sample(v, 2, 2, 2, 1, 1, 1), 0);
        assertEquals(1.25, RigidTransform.sample(v, 2, 2, 2, 0, 0, 0.25), 1e-12);
        // SciPy's 'constant' mode: anything outside [0, n − 1] is 0, however close
        assertEquals(0, RigidTransform.sample(v, 2, 2, 2, -1e-17, 0, 0), 0);
        assertEquals(0, RigidTransform.sample(v, 2, 2, 2, 0, 1.0000001, 0), 0);
    }
}
