package org.cryosiam.ops;

/**
 * Instance maps for the multicut tests: two dumbbells along x, each two overlapping balls (radius 8, centres 12
 * apart) that the watershed splits at the waist. The boundary map is 1 outside and on the objects' surface, 0
 * inside, except a plate of 0.9 across the second dumbbell's waist. With markers {@code d ≥ 4} (distance type 0)
 * the watershed gives regions 1, 2 (first dumbbell) and 3, 4 (second).
 */
public final class DumbbellPhantom {
    public static final int NZ = 22;
    public static final int NY = 22;
    public static final int NX = 70;
    /** Ball centres (z, y, x), in the order of their watershed ids. */
    public static final int[][] CENTRES = {{11, 11, 12}, {11, 11, 24}, {11, 11, 44}, {11, 11, 56}};

    public final float[] foreground = new float[NZ * NY * NX];
    public final float[] distances = new float[foreground.length];
    public final float[] boundaries = new float[foreground.length];

    public DumbbellPhantom() {
        for (int z = 0, i = 0; z < NZ; z++) {
            for (int y = 0; y < NY; y++) {
                for (int x = 0; x < NX; x++, i++) {
                    double d = 0;
                    for (int[] c : CENTRES) {
                        double r = Math.sqrt(Math.pow(z - c[0], 2) + Math.pow(y - c[1], 2) + Math.pow(x - c[2], 2));
                        d = Math.max(d, 8 - r);
                    }
                    distances[i] = (float) d;
                    foreground[i] = d >= 0.5 ? 1f : 0f;
                }
            }
        }
        float[] fg = foreground;
        for (int z = 0, i = 0; z < NZ; z++) {
            for (int y = 0; y < NY; y++) {
                for (int x = 0; x < NX; x++, i++) {
                    // the objects stay clear of the volume's border, so background voxels short-circuit there
                    boolean surface = fg[i] == 0 || fg[i - 1] == 0 || fg[i + 1] == 0 || fg[i - NX] == 0
                            || fg[i + NX] == 0 || fg[i - NX * NY] == 0 || fg[i + NX * NY] == 0;
                    boundaries[i] = surface ? 1f : Math.abs(x - 50) <= 1 ? 0.9f : 0f;
                }
            }
        }
    }

    /** The flat index of centre {@code k}. */
    public static int centre(int k) {
        return (CENTRES[k][0] * NY + CENTRES[k][1]) * NX + CENTRES[k][2];
    }
}
