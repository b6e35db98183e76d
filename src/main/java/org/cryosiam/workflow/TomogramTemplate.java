package org.cryosiam.workflow;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.io.MrcHeader;
import org.cryosiam.io.MrcReader;
import org.cryosiam.io.OutputGuard;
import org.cryosiam.io.Relion5Tomograms;
import org.cryosiam.log.Log;

/**
 * Where the processing commands take an output volume's size and voxel size from: one tomogram (used for every
 * tomogram name), a folder holding {@code <name>.mrc} per tomogram (also {@code <name>.rec}, RELION 5's
 * {@code rec_<name>.mrc}, or {@code <name>} itself when the name already ends with its extension), or a RELION 5
 * {@code tomograms.star} (given, or in the folder given: a reconstruction job's folder) naming each tomogram's file.
 * Only headers are read.
 */
public final class TomogramTemplate {
    private final Path path;
    private final String flag;
    private final boolean folder;
    private final Map<String, Path> listed; // a RELION 5 tomograms.star's files by name, or empty
    private final Map<String, String> outputNames = new HashMap<>();

    private TomogramTemplate(Path path, String flag, boolean folder, Map<String, Path> listed) {
        this.path = path;
        this.flag = flag;
        this.folder = folder;
        this.listed = listed;
    }

    public static TomogramTemplate of(Path path, String flag) {
        if (Files.isDirectory(path)) {
            Path star = path.resolve(Relion5Tomograms.FILE_NAME);
            return new TomogramTemplate(path, flag, true,
                    Files.isRegularFile(star) ? Relion5Tomograms.read(star) : Map.of());
        }
        if (!Files.isRegularFile(path)) {
            throw new CryosiamUserException(path + " (" + flag + "): no such tomogram or folder.");
        }
        if (Relion5Tomograms.isStar(path)) {
            return new TomogramTemplate(path.toAbsolutePath().getParent(), flag, true, Relion5Tomograms.read(path));
        }
        return new TomogramTemplate(path, flag, false, Map.of());
    }

    /** The name rows without a tomogram name belong to: the single tomogram's stem, or null for a folder. */
    public String defaultName() {
        return folder ? null : stem(path.getFileName().toString());
    }

    /** The tomogram whose header gives the size for {@code name}. */
    public Path fileFor(String name) {
        if (!folder) {
            return path;
        }
        String base = baseName(name);
        if (base.endsWith(org.cryosiam.io.Particles.WARP_SUFFIX)) {
            base = stem(base);
        }
        Path fromStar = listed.get(stem(base));
        if (fromStar != null) {
            return fromStar;
        }
        for (String candidate : new String[] {base + ".mrc", base + ".rec",
                Relion5Tomograms.RECONSTRUCTION_PREFIX + base + ".mrc", base}) {
            Path p = path.resolve(candidate);
            if (!candidate.isEmpty() && Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new CryosiamUserException(path.resolve(base + ".mrc") + ": tomogram '" + name + "' not found in the "
                + flag + " folder.");
    }

    public MrcHeader header(String name) {
        return MrcReader.readHeader(fileFor(name));
    }

    /**
     * The grids coordinates in Å are measured on, by tomogram name: its size and voxel size ({@code pixelSize}
     * winning when not null; see {@link ParticleGrids#grid(Path, Double, Double, Log)}).
     */
    public org.cryosiam.io.Relion5Particles.Grids grids(Double pixelSize, Log log) {
        return (name, filePixelSize) -> ParticleGrids.grid(fileFor(name), pixelSize, filePixelSize, log);
    }

    /**
     * The headers of all the named tomograms (and their output names checked), so that a missing one stops the run
     * before anything is written.
     */
    public Map<String, MrcHeader> headers(Iterable<String> names) {
        Map<String, MrcHeader> out = new HashMap<>();
        for (String n : names) {
            out.put(n, header(n));
            outputName(n);
        }
        return out;
    }

    /**
     * Refuses the run before anything is written when the output of a named tomogram in {@code outputDir} would be
     * one of the inputs: the tomograms read for their headers or {@code otherInputs}.
     */
    public void refuseOverwritingInputs(Path outputDir, Iterable<String> names, Path... otherInputs) {
        List<Path> inputs = new ArrayList<>(List.of(otherInputs));
        List<Path> outputs = new ArrayList<>();
        for (String n : names) {
            inputs.add(fileFor(n));
            outputs.add(outputDir.resolve(outputName(n)));
        }
        OutputGuard.refuse(inputs, outputs);
    }

    /**
     * The output file name for a tomogram name: its last path component without {@code .mrc}/{@code .rec}, plus
     * {@code .mrc}. Two names that would share an output file are an error.
     */
    public String outputName(String name) {
        String out = stem(baseName(name)) + ".mrc";
        String before = outputNames.putIfAbsent(out, name);
        if (before != null && !before.equals(name)) {
            throw new CryosiamUserException("tomogram names '" + before + "' and '" + name + "' would both be written "
                    + "to " + out + ".");
        }
        return out;
    }

    private static String baseName(String name) {
        String n = name.replace('\\', '/');
        return n.substring(n.lastIndexOf('/') + 1);
    }

    private static String stem(String fileName) {
        String lower = fileName.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".mrc") || lower.endsWith(".rec")) {
            return fileName.substring(0, fileName.length() - 4);
        }
        if (fileName.endsWith(org.cryosiam.io.Particles.WARP_SUFFIX)) { // Warp's tilt-series name
            return fileName.substring(0, fileName.length() - org.cryosiam.io.Particles.WARP_SUFFIX.length());
        }
        return fileName;
    }
}
