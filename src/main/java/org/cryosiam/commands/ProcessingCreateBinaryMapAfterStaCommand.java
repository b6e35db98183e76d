package org.cryosiam.commands;

import java.nio.file.Path;
import java.util.Map;

import org.cryosiam.workflow.ProcessingCreateBinaryMapAfterSta;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cryosiam processing_create_binary_map_after_sta}: {@link ProcessingCreateBinaryMapAfterSta}. */
@Command(name = ProcessingCreateBinaryMapAfterSta.NAME, mixinStandardHelpOptions = true,
        header = "Binary masks from a subtomogram average placed at every STAR particle.",
        description = {"Create binary tomogram masks (uint8 MRC) by placing the binarised average map (> threshold) at "
                + "every particle of a STAR file, rotated by rlnAngleRot/Tilt/Psi (intrinsic ZYZ, degrees, as "
                + "RELION and scipy's Rotation.from_euler('ZYZ')); one mask per tomogram, D/<tomogram>.mrc.",
                "A voxel is set where the trilinearly sampled rotated map is >= 0.5. Particle centres are "
                        + "int(rlnCoordinate - rlnOrigin*Angst / voxel size) when origin columns exist."})
public final class ProcessingCreateBinaryMapAfterStaCommand extends FlagCommand {
    @Option(names = {"--star_file", "--star-file"}, required = true, paramLabel = "FILE",
            description = "STAR file with the particles after subtomogram averaging (rlnCoordinateX/Y/Z or "
                    + "RELION 5's rlnCenteredCoordinateX/Y/ZAngst, rlnAngleRot/Tilt/Psi, rlnTomoName or "
                    + "rlnMicrographName).")
    Path starFile;

    @Option(names = {"--map_file", "--map-file"}, required = true, paramLabel = "FILE",
            description = "The average map (MRC, expected cubic) placed at every particle.")
    Path mapFile;

    @Mixin
    ProcessingOptions.MaskOutputDir output = new ProcessingOptions.MaskOutputDir();

    @Mixin
    ProcessingOptions.ParticleReadingOptions particleReading = new ProcessingOptions.ParticleReadingOptions();

    @Option(names = {"--map_threshold", "--map-threshold"}, required = true, paramLabel = "T",
            description = "Binarise the map at values > T.")
    String mapThresholdText; // text: a bad value is one sentence (Flags)

    @Option(names = {"--example_tomogram", "--example-tomogram"}, required = true, paramLabel = "PATH",
            description = "A tomogram giving the size and voxel size of the masks (or a folder of <tomogram>.mrc).")
    Path exampleTomogram;

    @Option(names = {"--tomo_name", "--tomo-name"}, paramLabel = "NAME",
            description = "Process only this tomogram (as named by rlnTomoName/rlnMicrographName).")
    String tomoName;

    private ProcessingCreateBinaryMapAfterSta.Settings settings() {
        return new ProcessingCreateBinaryMapAfterSta.Settings(starFile, mapFile, output.outputDir, mapThresholdText,
                exampleTomogram, tomoName, particleReading.reading());
    }

    @Override
    protected Map<String, Path> outputFolders() {
        return settings().outputFolders();
    }

    @Override
    protected void run() {
        new ProcessingCreateBinaryMapAfterSta(settings(), log).run();
    }
}
