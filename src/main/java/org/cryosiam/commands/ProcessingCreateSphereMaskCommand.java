package org.cryosiam.commands;

import java.nio.file.Path;
import java.util.Map;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.io.MrcHeader;
import org.cryosiam.io.MrcWriter;
import org.cryosiam.io.NdData;
import org.cryosiam.io.Particles;
import org.cryosiam.log.Log;
import org.cryosiam.ops.SpherePainter;
import org.cryosiam.workflow.TomogramTemplate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cryosiam processing_create_sphere_mask}: a binary mask with a ball at every particle. */
@Command(name = "processing_create_sphere_mask", mixinStandardHelpOptions = true,
        header = "Binary masks with a sphere at every particle of a STAR/CSV file.",
        description = {"Create binary tomogram masks (uint8 MRC, 1 inside) with a sphere of the given radius at every "
                + "particle of a STAR or CSV file; one mask per tomogram, D/<tomogram>.mrc.",
                "STAR files (by the .star suffix) need rlnCoordinateX/Y/Z (voxels) or RELION 5's "
                        + "rlnCenteredCoordinateX/Y/ZAngst (converted on each tomogram's size and voxel size), CSV "
                        + "files centroid-0/1/2 (z, y, x); the tomogram is named by rlnTomoName, rlnMicrographName or "
                        + "tomo."})
public final class ProcessingCreateSphereMaskCommand extends FlagCommand {
    @Option(names = {"--coordinates_file", "--coordinates-file"}, required = true, paramLabel = "FILE",
            description = "STAR file (rlnCoordinateX/Y/Z) or CSV file (centroid-0/1/2 = z, y, x) of particle centres.")
    Path coordinatesFile;

    @Option(names = {"--sphere_radius", "--sphere-radius"}, required = true, paramLabel = "R",
            description = "Sphere radius in voxels: every voxel within distance R of a centre is set.")
    String sphereRadius; // text: a bad value is one sentence (Flags)

    @Mixin
    ProcessingOptions.MaskOutputDir output = new ProcessingOptions.MaskOutputDir();

    @Mixin
    ProcessingOptions.SphereMaskTarget target = new ProcessingOptions.SphereMaskTarget();

    @Override
    protected java.util.Map<String, Path> outputFolders() {
        return output.outputFolders();
    }

    @Override
    protected void run() {
        int radius = Flags.integer("--sphere_radius", sphereRadius);
        if (radius < 0) {
            throw new CryosiamUserException("--sphere_radius " + radius + ": the radius must be 0 or more voxels.");
        }
        TomogramTemplate template = TomogramTemplate.of(target.tomogramPath, "--tomogram_path");
        Particles particles = Particles.read(coordinatesFile, "--coordinates_file", name -> template.grid(name, log));
        int[] classes = new int[particles.rows()];
        java.util.Arrays.fill(classes, 1);
        writeMasks(log, particles, classes, new int[] {radius}, template, output.outputDir, target.tomoName,
                commandName());
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
            log.info("wrote " + out + " (" + rows.length + " particle" + (rows.length == 1 ? "" : "s") + ")");
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
