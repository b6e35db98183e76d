package org.cryosiam.commands;

import java.nio.file.Path;
import java.util.Map;

import org.cryosiam.workflow.ProcessingInvertScale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cryosiam processing_invert_scale}: {@link ProcessingInvertScale}. */
@Command(name = ProcessingInvertScale.NAME, mixinStandardHelpOptions = true,
        header = "Invert tomograms (optional) and scale intensities to [0, 1].",
        description = {"Invert the contrast of tomograms (optional) and scale their intensities to [0, 1]: "
                + "x = clip((x - lo) / (hi - lo), 0, 1), lo and hi being the given percentiles (numpy's linear "
                + "method) or else the minimum and maximum. Writes float32 MRC with the input's voxel size.",
                "--input_path is one tomogram (written to --output_path) or a folder whose .mrc/.rec files are "
                        + "written under the same names into the folder --output_path."})
public final class ProcessingInvertScaleCommand extends FlagCommand {
    @Option(names = {"--input_path", "--input-path"}, required = true, paramLabel = "PATH",
            description = "A tomogram, or a folder of .mrc/.rec tomograms.")
    Path inputPath;

    @Option(names = {"--output_path", "--output-path"}, required = true, paramLabel = "PATH",
            description = "The output tomogram (or an existing folder to write it into), or the output folder for a folder input.")
    Path outputPath;

    @Option(names = "--invert", description = "Invert the contrast (x = -x) before scaling.")
    boolean invert;

    @Option(names = {"--lower_end_percentage", "--lower-end-percentage"}, paramLabel = "Q",
            description = "Percentile (0-100) mapped to 0; default: the minimum.")
    String lowerText; // text: a bad value is one sentence (Flags)

    @Option(names = {"--upper_end_percentage", "--upper-end-percentage"}, paramLabel = "Q",
            description = "Percentile (0-100) mapped to 1; default: the maximum.")
    String upperText;

    private ProcessingInvertScale.Settings settings() {
        return new ProcessingInvertScale.Settings(inputPath, outputPath, invert, lowerText, upperText);
    }

    @Override
    protected Map<String, Path> outputFolders() {
        return settings().outputFolders();
    }

    @Override
    protected void run() {
        new ProcessingInvertScale(settings(), log).run();
    }
}
