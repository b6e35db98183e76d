package org.cryosiam.commands;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.inference.Preprocessing;
import org.cryosiam.io.Geometry;
import org.cryosiam.io.MrcReader;
import org.cryosiam.io.NdData;
import org.cryosiam.io.MrcWriter;
import org.cryosiam.io.OutputGuard;
import org.cryosiam.volume.Volume;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cryosiam processing_invert_scale}: invert the contrast and/or scale intensities to [0, 1]. */
@Command(name = "processing_invert_scale", mixinStandardHelpOptions = true,
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

    private Double lower;
    private Double upper;

    @Override
    protected java.util.Map<String, Path> outputFolders() {
        // one tomogram into a file name: its folder is written
        boolean toFile = Files.isRegularFile(inputPath) && !Files.isDirectory(outputPath);
        Path folder = toFile ? outputPath.toAbsolutePath().getParent() : outputPath;
        return java.util.Map.of("--output_path", folder);
    }

    @Override
    protected void run() {
        lower = Flags.number("--lower_end_percentage", lowerText);
        upper = Flags.number("--upper_end_percentage", upperText);
        checkPercentage("--lower_end_percentage", lower);
        checkPercentage("--upper_end_percentage", upper);
        if (lower != null && upper != null && lower > upper) {
            throw new CryosiamUserException("--lower_end_percentage " + lower + " is above --upper_end_percentage "
                    + upper + ".");
        }
        List<Path> inputs = new ArrayList<>();
        List<Path> outputs = new ArrayList<>();
        if (Files.isDirectory(inputPath)) {
            for (String name : tomograms(inputPath)) {
                inputs.add(inputPath.resolve(name));
                outputs.add(outputPath.resolve(name));
            }
        } else if (Files.isRegularFile(inputPath)) {
            inputs.add(inputPath);
            outputs.add(Files.isDirectory(outputPath) ? outputPath.resolve(inputPath.getFileName()) : outputPath);
        } else {
            throw new CryosiamUserException(inputPath + " (--input_path): no such tomogram or folder.");
        }
        OutputGuard.refuse(inputs, outputs); // in place, a second run would flip the contrast back
        for (int i = 0; i < inputs.size(); i++) {
            process(inputs.get(i), outputs.get(i));
        }
    }

    private void process(Path in, Path out) {
        Geometry geometry = MrcReader.readHeader(in).geometry();
        Volume v = MrcReader.read(in);
        float[] x = v.data();
        if (invert) {
            Preprocessing.invert(x);
        }
        scale(in, x, lower, upper);
        MrcWriter.write(out, NdData.float32(x, v.shape()), geometry, commandName());
        log.info("wrote " + out);
    }

    /**
     * The reference's {@code scale_tomogram} with numpy 1.24 semantics on a float32 array: {@code lo} =
     * {@code np.percentile(x, lower)} (float64) or {@code x.min()} (float32), likewise {@code hi};
     * {@code x - lo} is a float32 subtraction of {@code (float) lo}, {@code hi - lo} is taken in float64 (or float32
     * when both are float32, which gives the same float after rounding) and rounded to float32 for the division;
     * then {@code clip(·, 0, 1)}. A zero range is a user error (numpy would write NaN/inf).
     */
    static void scale(Path file, float[] x, Double lowerQ, Double upperQ) {
        double lo, hi;
        float range;
        if (lowerQ != null && upperQ != null) {
            double[] p = Preprocessing.percentiles(x, lowerQ, upperQ);
            lo = p[0];
            hi = p[1];
            range = (float) (hi - lo);
        } else {
            float min = Float.POSITIVE_INFINITY, max = Float.NEGATIVE_INFINITY;
            for (float v : x) {
                min = Math.min(min, v); // Math.min propagates NaN, as numpy's min does
                max = Math.max(max, v);
            }
            lo = lowerQ != null ? Preprocessing.percentile(x, lowerQ) : min;
            hi = upperQ != null ? Preprocessing.percentile(x, upperQ) : max;
            range = lowerQ == null && upperQ == null ? max - min : (float) (hi - lo); // float32 - float32 in numpy
        }
        if (hi == lo) {
            throw new CryosiamUserException(file + ": the intensities to scale span nothing (lower and upper ends "
                    + "are both " + lo + ").");
        }
        float flo = (float) lo;
        for (int i = 0; i < x.length; i++) {
            float v = (x[i] - flo) / range;
            x[i] = v != v ? v : v > 0f ? (v < 1f ? v : 1f) : 0f; // np.clip: NaN stays, -0 becomes 0
        }
    }

    private static void checkPercentage(String flag, Double q) {
        if (q != null && !(q >= 0 && q <= 100)) {
            throw new CryosiamUserException(flag + " " + q + ": a percentile must be between 0 and 100.");
        }
    }

    /** The .mrc/.rec files of a folder, sorted by name. */
    private static List<String> tomograms(Path folder) {
        List<String> names = new ArrayList<>();
        try (Stream<Path> s = Files.list(folder)) {
            s.filter(Files::isRegularFile).map(p -> p.getFileName().toString())
                    .filter(n -> {
                        String l = n.toLowerCase(Locale.ROOT);
                        return (l.endsWith(".mrc") || l.endsWith(".rec")) && !n.startsWith(".");
                    })
                    .sorted().forEach(names::add);
        } catch (IOException e) {
            throw new CryosiamUserException(folder + " (--input_path): cannot list the folder (" + e.getMessage() + ").");
        }
        if (names.isEmpty()) {
            throw new CryosiamUserException(folder + " (--input_path): the folder holds no .mrc or .rec tomogram.");
        }
        return names;
    }
}
