package org.cryosiam.workflow;

import java.nio.file.Path;
import java.util.Map;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.io.MrcHeader;
import org.cryosiam.io.MrcWriter;
import org.cryosiam.io.NdData;
import org.cryosiam.io.Particles;
import org.cryosiam.log.Log;
import org.cryosiam.ops.SpherePainter;

/** {@code processing_create_sphere_mask}: a binary mask with a ball at every particle. */
public final class ProcessingCreateSphereMask {
    public static final String NAME = "processing_create_sphere_mask";

    /** The flags of the step, as given. */
    public record Settings(Path coordinatesFile, String sphereRadius, Path outputDir, Path tomogramPath,
            String tomoName, ParticleReading reading) {
        /** The folders the step writes, by the flag that names them, checked for write permission before any work. */
        public java.util.Map<String, Path> outputFolders() {
            return java.util.Map.of("--output_dir", outputDir);
        }
    }

    private final Settings settings;
    private final Log log;

    public ProcessingCreateSphereMask(Settings settings, Log log) {
        this.settings = settings;
        this.log = log;
    }

    public void run() {
        int radius = Flags.integer("--sphere_radius", settings.sphereRadius());
        if (radius < 0) {
            throw new CryosiamUserException("--sphere_radius " + radius + ": the radius must be 0 or more voxels.");
        }
        TomogramTemplate template = TomogramTemplate.of(settings.tomogramPath(), "--tomogram_path");
        Double pixelSize = settings.reading().pixelSize();
        Particles particles = Particles.read(settings.coordinatesFile(), "--coordinates_file",
                template.grids(pixelSize, log), settings.reading().units(), template.defaultName(), log);
        int[] classes = new int[particles.rows()];
        java.util.Arrays.fill(classes, 1);
        writeMasks(log, particles, classes, new int[] {radius}, template, settings.outputDir(), settings.tomoName(),
                NAME);
    }

    /**
     * One uint8 mask per tomogram: for each class in increasing order, a ball of {@code radii[class − 1]} voxels with
     * value {@code class} at {@code int(coordinate)} of each of its rows (so a later class wins where balls overlap),
     * clipped at the volume border.
     */
    static void writeMasks(Log log, Particles particles, int[] classOfRow, int[] radii, TomogramTemplate template,
                           Path outputDir, String tomoName, String command) {
        Map<String, int[]> groups = particles.byTomogram(tomoName, template.defaultName());
        Map<String, MrcHeader> headers = template.headers(groups.keySet()); // every tomogram found before writing
        template.refuseOverwritingInputs(outputDir, groups.keySet(), particles.file());
        Map<String, int[][]> centres = new java.util.HashMap<>();
        for (Map.Entry<String, int[]> g : groups.entrySet()) { // every tomogram checked before any is written
            int[][] zyx = new int[g.getValue().length][];
            for (int i = 0; i < zyx.length; i++) {
                int r = g.getValue()[i];
                zyx[i] = new int[] {coordinate(particles, r, particles.z()), coordinate(particles, r, particles.y()),
                        coordinate(particles, r, particles.x())};
            }
            MrcHeader h = headers.get(g.getKey());
            ParticlesInside.check(log, particles.file(), g.getKey(), zyx, h.nz(), h.ny(), h.nx());
            centres.put(g.getKey(), zyx);
        }
        for (Map.Entry<String, int[]> g : groups.entrySet()) {
            String name = g.getKey();
            int[] rows = g.getValue().clone();
            MrcHeader h = headers.get(name);
            int nz = h.nz(), ny = h.ny(), nx = h.nx();
            byte[] mask = new byte[Math.multiplyExact(Math.multiplyExact(nz, ny), nx)];
            // stable sort by class: classes in increasing order, rows in file order within a class
            Integer[] order = new Integer[rows.length];
            for (int i = 0; i < rows.length; i++) {
                order[i] = rows[i];
            }
            java.util.Arrays.sort(order, java.util.Comparator.comparingInt(r -> classOfRow[r]));
            for (int r : order) {
                int c = classOfRow[r];
                SpherePainter.paint(mask, nz, ny, nx, coordinate(particles, r, particles.z()),
                        coordinate(particles, r, particles.y()), coordinate(particles, r, particles.x()),
                        radii[c - 1], (byte) c);
            }
            Path out = outputDir.resolve(template.outputName(name));
            MrcWriter.write(out, NdData.uint8(mask, nz, ny, nx), h.geometry(), command);
            int outside = ParticlesInside.outside(centres.get(name), nz, ny, nx);
            log.info("wrote " + out + " (" + Words.count(rows.length, "particle")
                    + (outside > 0 ? ", " + outside + " outside the tomogram" : "") + ")");
        }
    }

    private static int coordinate(Particles p, int row, double[] axis) {
        try {
            return Particles.voxel(axis[row]);
        } catch (IllegalArgumentException e) {
            throw new CryosiamUserException(p.file() + ": row " + (row + 1) + " has the coordinate " + axis[row]
                    + ", not a voxel position.");
        }
    }
}
