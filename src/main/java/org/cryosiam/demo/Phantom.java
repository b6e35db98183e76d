package org.cryosiam.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.cryosiam.ops.GaussianFilter;
import org.cryosiam.volume.Volume;

/**
 * A synthetic cryo-electron tomogram with its ground truth, in the style of the phantoms the fixture models
 * ({@code ../shared/fixtures/pipeline_small}) were fitted to; the demo models are trained on it ({@link DemoTraining}):
 * <ul>
 *   <li>a <b>lamella</b>: the slab between two parallel, slightly tilted planes, about 70 % of the depth (z);</li>
 *   <li><b>membranes</b> (class 1, density 0.8): curved sheets {@code z = c + A·sin(..y..)·sin(..x..)}, about 2.4
 *       voxels thick, inside the lamella;</li>
 *   <li><b>species A</b> (class 2, density 1.0): solid spheres of radius 3.2–4.4 voxels;</li>
 *   <li><b>species B</b> (class 3, density 0.7): small elongated ellipsoids (semi-axes about 1.3 × 1.8 × 2.8
 *       voxels, z × y × x before a random rotation in the xy plane), the fixtures' second species;</li>
 *   <li>the image: {@code 0.3·lamella − clean} (dense matter dark, the ice of the lamella a little brighter than
 *       the vacuum around it), blurred with an anisotropic Gaussian stronger along z (a stand-in for the missing
 *       wedge), plus white Gaussian noise (σ 0.7 by default, as in the fixtures).</li>
 * </ul>
 * Particles lie wholly inside the lamella and the volume, never touch a membrane or another particle (one voxel of
 * clearance), and are numbered 1..N in the order they were placed (species alternating A, B, A, B … while both have
 * some left). Everything is a function of the {@link Spec}: the same seed gives the same voxels on every JVM
 * ({@link Random} and {@link StrictMath} only).
 */
public final class Phantom {
    public static final int BACKGROUND = 0;
    public static final int MEMBRANE = 1;
    public static final int SPECIES_A = 2;
    public static final int SPECIES_B = 3;
    /** The class names, indexed by class number. */
    public static final String[] CLASS_NAMES = {"background", "membrane", "species A", "species B"};
    /** Å per voxel, as in the fixtures. */
    public static final float VOXEL_SIZE = 13.48f;

    static final float DENSITY_MEMBRANE = 0.8f;
    static final float DENSITY_A = 1.0f;
    static final float DENSITY_B = 0.7f;
    static final float LAMELLA_OFFSET = 0.3f;
    static final double MEMBRANE_THICKNESS = 2.4;
    private static final int ATTEMPTS_PER_PARTICLE = 400;

    /**
     * What to generate.
     *
     * @param membranes  number of membrane sheets
     * @param particlesA spheres to place (fewer when the lamella is full; see {@link Result#particles()})
     * @param noiseSigma standard deviation of the added white noise
     * @param blurZ      σ (voxels) of the Gaussian blur along z
     * @param blurXY     σ (voxels) of the Gaussian blur along y and x
     */
    public record Spec(int nz, int ny, int nx, long seed, int membranes, int particlesA, int particlesB,
                       double noiseSigma, double blurZ, double blurXY) {
        public Spec {
            if (nz < 16 || ny < 16 || nx < 16) {
                throw new IllegalArgumentException("a phantom needs at least 16 voxels per axis, got "
                        + nz + "x" + ny + "x" + nx);
            }
            if (membranes < 0 || particlesA < 0 || particlesB < 0 || noiseSigma < 0 || blurZ < 0 || blurXY < 0) {
                throw new IllegalArgumentException("phantom counts, noise and blur must not be negative");
            }
        }

        /**
         * The default phantom of a size: one membrane per 40 voxels of depth (at least one), one particle of each
         * species per 12000 lamella voxels (the fixtures have one per 6000), noise σ 0.7, blur σ 0.6 (z) and
         * 0.3 (y, x). (The fixture models were fitted to unblurred phantoms: with σ 1.0/0.5 their membrane Dice
         * falls from 0.69 to 0.16, with 0.6/0.3 to 0.60.)
         */
        public static Spec of(int nz, int ny, int nx, long seed) {
            long lamellaVoxels = Math.round(0.7 * nz) * (long) ny * nx;
            int perSpecies = (int) Math.max(2, lamellaVoxels / 12000);
            return new Spec(nz, ny, nx, seed, Math.max(1, nz / 40), perSpecies, perSpecies, 0.7, 0.6, 0.3);
        }

        public Spec withCounts(int membranes, int particlesA, int particlesB) {
            return new Spec(nz, ny, nx, seed, membranes, particlesA, particlesB, noiseSigma, blurZ, blurXY);
        }

        public Spec withImaging(double noiseSigma, double blurZ, double blurXY) {
            return new Spec(nz, ny, nx, seed, membranes, particlesA, particlesB, noiseSigma, blurZ, blurXY);
        }

        int voxels() {
            return nz * ny * nx;
        }
    }

    /** One placed particle: its instance id, class ({@link #SPECIES_A} or {@link #SPECIES_B}) and centre (voxels). */
    public record Particle(int id, int species, double z, double y, double x, int voxels) {
    }

    /**
     * The phantom.
     *
     * @param tomogram  what a microscope would give (float32, dense matter dark)
     * @param clean     the noise- and blur-free density, 0..1 (matter bright, as the fixtures' {@code truth/clean})
     * @param labels    class per voxel (0 background, 1 membrane, 2 species A, 3 species B)
     * @param instances particle id per voxel (0 elsewhere; membranes have no instance id)
     * @param lamella   1 inside the lamella slab, else 0
     */
    public record Result(Spec spec, Volume tomogram, Volume clean, byte[] labels, int[] instances, byte[] lamella,
                         List<Particle> particles) {
        public int count(int species) {
            int n = 0;
            for (Particle p : particles) {
                if (p.species() == species) {
                    n++;
                }
            }
            return n;
        }

        /** The class of each instance id (index 0 unused). */
        public int[] speciesOfInstance() {
            int[] s = new int[particles.size() + 1];
            for (Particle p : particles) {
                s[p.id()] = p.species();
            }
            return s;
        }
    }

    private Phantom() {
    }

    public static Result generate(Spec spec) {
        int nz = spec.nz(), ny = spec.ny(), nx = spec.nx();
        Random rnd = new Random(spec.seed());
        byte[] labels = new byte[spec.voxels()];
        int[] instances = new int[spec.voxels()];
        byte[] lamella = new byte[spec.voxels()];
        float[] clean = new float[spec.voxels()];

        // lamella: zLow(y, x) <= z <= zLow(y, x) + thickness
        double thickness = 0.7 * nz;
        double tiltY = (rnd.nextDouble() * 2 - 1) * 0.06 * nz;
        double tiltX = (rnd.nextDouble() * 2 - 1) * 0.06 * nz;
        double base = (nz - 1 - thickness) / 2 + (rnd.nextDouble() * 2 - 1) * 0.03 * nz;
        double[] zLow = new double[ny * nx];
        for (int y = 0; y < ny; y++) {
            for (int x = 0; x < nx; x++) {
                zLow[y * nx + x] = base + tiltY * (y / (double) (ny - 1) - 0.5) + tiltX * (x / (double) (nx - 1) - 0.5);
            }
        }
        for (int z = 0; z < nz; z++) {
            for (int yx = 0; yx < ny * nx; yx++) {
                if (z >= zLow[yx] && z <= zLow[yx] + thickness) {
                    lamella[z * ny * nx + yx] = 1;
                }
            }
        }

        // membranes: sheets at evenly spaced depths of the lamella, egg-crate undulation
        int m = spec.membranes();
        double spacing = thickness / (m + 1);
        for (int i = 0; i < m; i++) {
            double depth = spacing * (i + 1);
            double amp = Math.min(6.0, 0.3 * spacing) * (0.7 + 0.3 * rnd.nextDouble());
            double ky = 2 * Math.PI / (ny * (0.6 + 0.6 * rnd.nextDouble()));
            double kx = 2 * Math.PI / (nx * (0.6 + 0.6 * rnd.nextDouble()));
            double py = rnd.nextDouble() * 2 * Math.PI;
            double px = rnd.nextDouble() * 2 * Math.PI;
            for (int y = 0; y < ny; y++) {
                double sy = StrictMath.sin(ky * y + py);
                double cy = StrictMath.cos(ky * y + py);
                for (int x = 0; x < nx; x++) {
                    double sx = StrictMath.sin(kx * x + px);
                    double cx = StrictMath.cos(kx * x + px);
                    double centre = zLow[y * nx + x] + depth + amp * sy * sx;
                    double gy = amp * ky * cy * sx + tiltY / (ny - 1);
                    double gx = amp * kx * sy * cx + tiltX / (nx - 1);
                    double norm = StrictMath.sqrt(1 + gy * gy + gx * gx);
                    int z0 = Math.max(0, (int) Math.floor(centre - 3 * MEMBRANE_THICKNESS));
                    int z1 = Math.min(nz - 1, (int) Math.ceil(centre + 3 * MEMBRANE_THICKNESS));
                    for (int z = z0; z <= z1; z++) {
                        int v = (z * ny + y) * nx + x;
                        if (lamella[v] != 0 && Math.abs(z - centre) / norm <= MEMBRANE_THICKNESS / 2) {
                            labels[v] = MEMBRANE;
                        }
                    }
                }
            }
        }

        // particles, alternating species while both have some left
        List<Particle> placed = new ArrayList<>();
        int leftA = spec.particlesA(), leftB = spec.particlesB();
        boolean nextA = true;
        while (leftA > 0 || leftB > 0) {
            boolean a = leftB == 0 || (leftA > 0 && nextA);
            Shape shape = a ? Shape.sphere(3.2 + 1.2 * rnd.nextDouble())
                    : Shape.ellipsoid(1.0 + 0.25 * rnd.nextDouble(), rnd.nextDouble() * Math.PI);
            Particle p = place(shape, a ? SPECIES_A : SPECIES_B, placed.size() + 1, spec, rnd, labels, lamella,
                    instances);
            if (p != null) {
                placed.add(p);
            }
            if (a) {
                leftA--;
            } else {
                leftB--;
            }
            nextA = !a;
        }

        for (int v = 0; v < clean.length; v++) {
            clean[v] = switch (labels[v]) {
                case MEMBRANE -> DENSITY_MEMBRANE;
                case SPECIES_A -> DENSITY_A;
                case SPECIES_B -> DENSITY_B;
                default -> 0f;
            };
        }
        float[] image = new float[clean.length];
        for (int v = 0; v < image.length; v++) {
            image[v] = LAMELLA_OFFSET * lamella[v] - clean[v];
        }
        if (spec.blurZ() > 0 || spec.blurXY() > 0) {
            image = GaussianFilter.filter(image, nz, ny, nx, spec.blurZ(), spec.blurXY(), spec.blurXY(),
                    GaussianFilter.Mode.NEAREST);
        }
        for (int v = 0; v < image.length; v++) {
            image[v] += (float) (spec.noiseSigma() * rnd.nextGaussian());
        }
        float[] vs = {VOXEL_SIZE, VOXEL_SIZE, VOXEL_SIZE};
        return new Result(spec, new Volume(image, nz, ny, nx, vs), new Volume(clean, nz, ny, nx, vs), labels,
                instances, lamella, List.copyOf(placed));
    }

    /** Tries random centres until the shape (grown by one voxel) fits in free lamella; paints it; null if never. */
    private static Particle place(Shape shape, int species, int id, Spec spec, Random rnd, byte[] labels,
                                  byte[] lamella, int[] instances) {
        int nz = spec.nz(), ny = spec.ny(), nx = spec.nx();
        int r = (int) Math.ceil(shape.extent() + 1);
        if (2 * r + 1 > Math.min(nz, Math.min(ny, nx))) {
            return null;
        }
        for (int attempt = 0; attempt < ATTEMPTS_PER_PARTICLE; attempt++) {
            double cz = r + rnd.nextDouble() * (nz - 1 - 2 * r);
            double cy = r + rnd.nextDouble() * (ny - 1 - 2 * r);
            double cx = r + rnd.nextDouble() * (nx - 1 - 2 * r);
            if (fits(shape, cz, cy, cx, r, ny, nx, labels, lamella)) {
                int count = 0;
                for (int z = (int) Math.floor(cz) - r; z <= (int) Math.ceil(cz) + r; z++) {
                    for (int y = (int) Math.floor(cy) - r; y <= (int) Math.ceil(cy) + r; y++) {
                        for (int x = (int) Math.floor(cx) - r; x <= (int) Math.ceil(cx) + r; x++) {
                            if (shape.inside(z - cz, y - cy, x - cx, 0)) {
                                int v = (z * ny + y) * nx + x;
                                labels[v] = (byte) species;
                                instances[v] = id;
                                count++;
                            }
                        }
                    }
                }
                return new Particle(id, species, cz, cy, cx, count);
            }
        }
        return null;
    }

    private static boolean fits(Shape shape, double cz, double cy, double cx, int r, int ny, int nx, byte[] labels,
                                byte[] lamella) {
        for (int z = (int) Math.floor(cz) - r; z <= (int) Math.ceil(cz) + r; z++) {
            for (int y = (int) Math.floor(cy) - r; y <= (int) Math.ceil(cy) + r; y++) {
                for (int x = (int) Math.floor(cx) - r; x <= (int) Math.ceil(cx) + r; x++) {
                    if (shape.inside(z - cz, y - cy, x - cx, 1.0)) {
                        int v = (z * ny + y) * nx + x;
                        if (labels[v] != 0 || lamella[v] == 0) {
                            return false;
                        }
                    }
                }
            }
        }
        return true;
    }

    /** An ellipsoid with semi-axes (a, b, c) along z and along two directions of the xy plane at angle θ. */
    private record Shape(double a, double b, double c, double cos, double sin) {
        static Shape sphere(double r) {
            return new Shape(r, r, r, 1, 0);
        }

        /** The fixtures' species B: about 1.3 × 1.8 × 2.8 voxels, scaled, rotated by θ in the xy plane. */
        static Shape ellipsoid(double scale, double theta) {
            return new Shape(1.3 * scale, 1.8 * scale, 2.8 * scale, StrictMath.cos(theta), StrictMath.sin(theta));
        }

        double extent() {
            return Math.max(a, Math.max(b, c));
        }

        /** Whether the offset lies inside the shape grown by {@code grow} voxels along every semi-axis. */
        boolean inside(double dz, double dy, double dx, double grow) {
            double u = dy * cos - dx * sin;
            double w = dy * sin + dx * cos;
            double qa = dz / (a + grow), qb = u / (b + grow), qc = w / (c + grow);
            return qa * qa + qb * qb + qc * qc <= 1;
        }
    }
}
