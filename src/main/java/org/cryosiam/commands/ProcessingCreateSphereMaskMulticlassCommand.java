package org.cryosiam.commands;

import java.nio.file.Path;
import java.util.Map;

import org.cryosiam.workflow.ProcessingCreateSphereMask;
import org.cryosiam.workflow.ProcessingCreateSphereMaskMulticlass;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cryosiam processing_create_sphere_mask_multiclass}: {@link ProcessingCreateSphereMaskMulticlass}. */
@Command(name = ProcessingCreateSphereMaskMulticlass.NAME, mixinStandardHelpOptions = true,
        header = "Multi-class masks with a sphere per particle, valued by its class.",
        description = {"Create multi-class tomogram masks (uint8 MRC): a sphere at every particle of a STAR or CSV file "
                + "with the particle's class number as value and one radius per class; D/<tomogram>.mrc.",
                "Classes come from rlnClassNumber (STAR) or semantic_class (CSV), numbered from 1; where spheres "
                        + "overlap the higher class wins."})
public final class ProcessingCreateSphereMaskMulticlassCommand extends FlagCommand {
    @Option(names = {"--coordinates_file", "--coordinates-file"}, required = true, paramLabel = "FILE",
            description = "STAR file (rlnCoordinateX/Y/Z, rlnClassNumber) or CSV file (centroid-0/1/2, semantic_class).")
    Path coordinatesFile;

    @Option(names = {"--sphere_radius", "--sphere-radius"}, required = true, paramLabel = "R1,R2,...",
            description = "Sphere radius in voxels per class, comma-separated (class 1 first), e.g. 5,7,9.")
    String sphereRadius;

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
        new ProcessingCreateSphereMaskMulticlass(settings(), log).run();
    }
}
