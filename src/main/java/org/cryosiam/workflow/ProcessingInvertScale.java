package org.cryosiam.workflow;

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
import org.cryosiam.log.Log;
import org.cryosiam.volume.Volume;

/** {@code processing_invert_scale}: invert the contrast and/or scale intensities to [0, 1]. */
public final class ProcessingInvertScale {
    public static final String NAME = "processing_invert_scale";

    /** The flags of the step, as given. */
    public record Settings(Path inputPath, Path outputPath, boolean invert, String lowerText, String upperText) {
        /** The folders the step writes, by the flag that names them, checked for write permission before any work. */
        public java.util.Map<String, Path> outputFolders() {
            // one tomogram into a file name: its folder is written
            boolean toFile = Files.isRegularFile(inputPath) && !Files.isDirectory(outputPath);
            Path folder = toFile ? outputPath.toAbsolutePath().getParent() : outputPath;
            return java.util.Map.of("--output_path", folder);
        }
    }

    private final Settings settings;
    private final Log log;
    private Double lower;
    private Double upper;

    public ProcessingInvertScale(Settings settings, Log log) {
        this.settings = settings;
        this.log = log;
    }

    public void run() {
        lower = Flags.number("--lower_end_percentage", settings.lowerText());
        upper = Flags.number("--upper_end_percentage", settings.upperText());
        checkPercentage("--lower_end_percentage", lower);
        checkPercentage("--upper_end_percentage", upper);
        if (lower != null && upper != null && lower > upper) {
            throw new CryosiamUserException("--lower_end_percentage " + lower + " is above --upper_end_percentage "
                    + upper + ".");
        }
        List<Path> inputs = new ArrayList<>();
        List<Path> outputs = new ArrayList<>();
        if (Files.isDirectory(settings.inputPath())) {
            for (String name : tomograms(settings.inputPath())) {
                inputs.add(settings.inputPath().resolve(name));
                outputs.add(settings.outputPath().resolve(name));
            }
        } else if (Files.isRegularFile(settings.inputPath())) {
            inputs.add(settings.inputPath());
            outputs.add(Files.isDirectory(settings.outputPath())
                    ? settings.outputPath().resolve(settings.inputPath().getFileName()) : settings.outputPath());
        } else {
            throw new CryosiamUserException(settings.inputPath() + " (--input_path): no such tomogram or folder.");
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
        if (settings.invert()) {
            Preprocessing.invert(x);
        }
        scale(in, x, lower, upper);
        MrcWriter.write(out, NdData.float32(x, v.shape()), geometry, NAME);
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
