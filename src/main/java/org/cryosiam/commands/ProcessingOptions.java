package org.cryosiam.commands;

import java.nio.file.Path;

import picocli.CommandLine.Option;

/**
 * Picocli mixins ({@code @Mixin}) for the options that several {@code processing_*} commands declare word for word:
 * same names, parameter label, description and meaning. An option that reads the same but means something else in
 * one command (e.g. {@code --tomo_name} of {@code processing_create_binary_map_after_sta}, which names a tomogram as
 * the STAR file does, or {@code --output_dir} of {@code processing_create_multiclass_from_binary_masks}, which keeps
 * the input file names) stays in that command.
 */
final class ProcessingOptions {
    private ProcessingOptions() {
    }

    /**
     * {@code --output_dir}: the folder for one mask per tomogram ({@code processing_create_binary_map_after_sta},
     * {@code processing_create_sphere_mask}, {@code processing_create_sphere_mask_multiclass}).
     */
    static final class MaskOutputDir {
        @Option(names = {"--output_dir", "--output-dir"}, required = true, paramLabel = "DIR",
                description = "Folder for the masks, one <tomogram>.mrc per tomogram.")
        Path outputDir;
    }

    /** {@code --pixel_size} and {@code --coordinates}: how every {@code processing_*} command that reads particles turns Å into voxels. */
    static final class ParticleReadingOptions {
        @Option(names = {"--pixel_size", "--pixel-size"}, paramLabel = "A",
                description = "Pixel size of the tomograms in Å, for coordinates and shifts given in Å (RELION 5, "
                        + "copick), when the tomogram header has none (default: the header's voxel size).")
        String pixelSize; // text: a bad value is one sentence (Flags)

        @Option(names = "--coordinates", paramLabel = "auto|voxels|fractions",
                description = "How rlnCoordinateX/Y/Z are read: voxels, or fractions of the tomogram's size (Warp's "
                        + "template matching); auto (default) takes fractions when every tomogram name ends in "
                        + ".tomostar and every coordinate lies within 0 to 1.")
        String coordinates;

        org.cryosiam.workflow.ParticleReading reading() {
            return new org.cryosiam.workflow.ParticleReading(pixelSize, coordinates);
        }
    }

    /**
     * {@code --tomogram_path} and {@code --tomo_name} of the sphere-mask commands
     * ({@code processing_create_sphere_mask}, {@code processing_create_sphere_mask_multiclass}): the tomograms whose
     * size the masks take, and an optional single tomogram of the coordinates file to process.
     */
    static final class SphereMaskTarget {
        @Option(names = {"--tomogram_path", "--tomogram-path"}, required = true, paramLabel = "PATH",
                description = "One tomogram whose size every mask takes, or a folder holding <tomogram>.mrc per "
                        + "tomogram.")
        Path tomogramPath;

        @Option(names = {"--tomo_name", "--tomo-name"}, paramLabel = "NAME",
                description = "Process only this tomogram (as named in the coordinates file).")
        String tomoName;
    }
}
