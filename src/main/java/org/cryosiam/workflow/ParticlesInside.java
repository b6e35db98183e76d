package org.cryosiam.workflow;

import java.nio.file.Path;
import java.util.Locale;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.log.Log;

/**
 * Which particles of one tomogram lie inside it: a particle whose centre voxel is outside the volume sets no voxel
 * of a mask (or only the edge of its ball), which users must hear about. When none lies inside, the coordinates
 * were almost certainly read on the wrong grid, and the run stops before writing anything.
 */
final class ParticlesInside {
    private ParticlesInside() {
    }

    /** How many of the {@code (z, y, x)} voxel centres lie outside a volume of {@code nz, ny, nx}. */
    static int outside(int[][] zyx, int nz, int ny, int nx) {
        int n = 0;
        for (int[] c : zyx) {
            if (c[0] < 0 || c[0] >= nz || c[1] < 0 || c[1] >= ny || c[2] < 0 || c[2] >= nx) {
                n++;
            }
        }
        return n;
    }

    /**
     * Refuses a tomogram all of whose particles lie outside it, and warns about one with some outside.
     *
     * @param file the particle list
     * @param name the tomogram
     * @param zyx  the voxel centre of each of its particles
     */
    static void check(Log log, Path file, String name, int[][] zyx, int nz, int ny, int nx) {
        int out = outside(zyx, nz, ny, nx);
        if (out == 0) {
            return;
        }
        String size = String.format(Locale.ROOT, "%d x %d x %d voxels (x, y, z)", nx, ny, nz);
        if (out == zyx.length) {
            throw new CryosiamUserException(file + ": no particle of tomogram '" + name + "' lies inside it ("
                    + Words.count(out, "particle") + ", " + size + ", e.g. one at x, y, z = " + zyx[0][2] + ", " + zyx[0][1] + ", "
                    + zyx[0][0] + "); check the pixel size (--pixel_size, or the header's voxel size), whether the "
                    + "coordinates are centred or corner-based, and whether they were picked at another binning.");
        }
        log.warn(name + ": " + out + " of " + Words.count(zyx.length, "particle") + " in " + file
                + " lie outside the tomogram (" + size + ") and mark nothing but what of their ball reaches in.");
    }
}
