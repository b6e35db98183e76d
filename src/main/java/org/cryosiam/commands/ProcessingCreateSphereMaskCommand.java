package org.cryosiam.commands;

import java.nio.file.Path;
import java.util.Map;

import org.cryosiam.workflow.ProcessingCreateSphereMask;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cryosiam processing_create_sphere_mask}: {@link ProcessingCreateSphereMask}. */
@Command(name = ProcessingCreateSphereMask.NAME, mixinStandardHelpOptions = true,
        header = "Binary masks with a sphere at every particle of a STAR/CSV file.",
        description = {"Create binary tomogram masks (uint8 MRC, 1 inside) with a sphere of the given radius at every "
                + "particle of a STAR or CSV file; one mask per tomogram, D/<tomogram>.mrc.",
                "The list's format is told by its content. STAR files need rlnCoordinateX/Y/Z (voxels, or "
                        + "Warp's fractions) or RELION 5's rlnCenteredCoordinateX/Y/ZAngst (converted on each "
                        + "tomogram's size and voxel size), CSV files centroid-0/1/2 (z, y, x), copick picks JSON "
                        + "points in Å (run_name names the tomogram); the tomogram is named by rlnTomoName, "
                        + "rlnMicrographName or tomo."})
public final class ProcessingCreateSphereMaskCommand extends FlagCommand {
    @Option(names = {"--coordinates_file", "--coordinates-file"}, required = true, paramLabel = "FILE",
            description = "STAR file (rlnCoordinateX/Y/Z), CSV file (centroid-0/1/2 = z, y, x) or copick picks JSON "
                    + "of particle centres.")
    Path coordinatesFile;

    @Option(names = {"--sphere_radius", "--sphere-radius"}, required = true, paramLabel = "R",
            description = "Sphere radius in voxels: every voxel within distance R of a centre is set.")
    String sphereRadius; // text: a bad value is one sentence (Flags)

    @Mixin
    ProcessingOptions.MaskOutputDir output = new ProcessingOptions.MaskOutputDir();

    @Mixin
    ProcessingOptions.ParticleReadingOptions particleReading = new ProcessingOptions.ParticleReadingOptions();

    @Mixin
    ProcessingOptions.SphereMaskTarget target = new ProcessingOptions.SphereMaskTarget();

    private ProcessingCreateSphereMask.Settings settings() {
        return new ProcessingCreateSphereMask.Settings(coordinatesFile, sphereRadius, output.outputDir,
                target.tomogramPath, target.tomoName, particleReading.reading());
    }

    @Override
    protected Map<String, Path> outputFolders() {
        return settings().outputFolders();
    }

    @Override
    protected void run() {
        new ProcessingCreateSphereMask(settings(), log).run();
    }
}
