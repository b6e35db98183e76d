package org.cryosiam.workflow;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.io.Geometry;
import org.cryosiam.io.MrcReader;
import org.cryosiam.io.MrcWriter;
import org.cryosiam.io.NdData;
import org.cryosiam.io.OutputGuard;
import org.cryosiam.log.Log;

/** {@code processing_create_multiclass_from_binary_masks}: merge per-label binary masks into one label map. */
public final class ProcessingCreateMulticlassFromBinaryMasks {
    public static final String NAME = "processing_create_multiclass_from_binary_masks";

    /** The flags of the step, as given. */
    public record Settings(Path root, Path outputDir, String tomoName) {
        /** The folders the step writes, by the flag that names them, checked for write permission before any work. */
        public java.util.Map<String, Path> outputFolders() {
            return java.util.Map.of("--output_dir", outputDir);
        }
    }

    private final Settings settings;
    private final Log log;

    public ProcessingCreateMulticlassFromBinaryMasks(Settings settings, Log log) {
        this.settings = settings;
        this.log = log;
    }

    public void run() {
        if (!Files.isDirectory(settings.root())) {
            throw new CryosiamUserException(settings.root() + " (--root_binary_masks_folder): no such folder.");
        }
        List<Path> labels = list(settings.root(), Files::isDirectory);
        if (labels.isEmpty()) {
            throw new CryosiamUserException(settings.root()
                    + " (--root_binary_masks_folder): no sub-folders (one per label "
                    + "expected).");
        }
        if (labels.size() > 255) {
            throw new CryosiamUserException(settings.root() + " (--root_binary_masks_folder): " + labels.size()
                    + " label sub-folders, more than a uint8 mask holds (255).");
        }
        List<String> names = new ArrayList<>();
        if (settings.tomoName() != null) {
            names.add(settings.tomoName());
        } else {
            for (Path p : list(labels.get(0), ProcessingCreateMulticlassFromBinaryMasks::isMask)) {
                names.add(p.getFileName().toString());
            }
            if (names.isEmpty()) {
                throw new CryosiamUserException(labels.get(0) + ": no .mrc/.rec masks in the first label folder.");
            }
        }
        List<Path> inputs = new ArrayList<>();
        List<Path> outputs = new ArrayList<>();
        for (String name : names) { // every mask present, and none to be overwritten, before anything is written
            for (Path label : labels) {
                requireMask(label.resolve(name), name);
                inputs.add(label.resolve(name));
            }
            outputs.add(settings.outputDir().resolve(name));
        }
        OutputGuard.refuse(inputs, outputs);
        for (String name : names) {
            merge(labels, name);
        }
    }

    private static void requireMask(Path file, String name) {
        if (!Files.isRegularFile(file)) {
            throw new CryosiamUserException(file + ": mask not found (every label folder needs a mask named "
                    + name + ").");
        }
    }

    private void merge(List<Path> labels, String name) {
        byte[] out = null;
        int[] shape = null;
        Geometry geometry = null;
        for (int l = 0; l < labels.size(); l++) {
            Path file = labels.get(l).resolve(name);
            requireMask(file, name);
            MrcReader.MrcData d = MrcReader.readData(file);
            if (out == null) {
                shape = d.data().shape();
                geometry = d.header().geometry();
                out = new byte[d.data().size()];
            } else if (!Arrays.equals(shape, d.data().shape())) {
                throw new CryosiamUserException(file + ": shape " + Arrays.toString(d.data().shape()) + " (z, y, x) "
                        + "differs from " + Arrays.toString(shape) + " of the first label's mask.");
            }
            markPositive(d.data(), out, (byte) (l + 1));
        }
        Path target = settings.outputDir().resolve(name);
        MrcWriter.write(target, NdData.uint8(out, shape), geometry, NAME);
        log.info("wrote " + target);
    }

    /**
     * {@code out[data > 0] = label} (the reference's rule), per element type, unsigned types read as unsigned. Mode 0
     * (int8) is the exception: any non-zero byte counts, since mode 0 masks are often written as unsigned 0/255,
     * which would read back as -1 and silently vanish.
     */
    static void markPositive(NdData data, byte[] out, byte label) {
        switch (data.type()) {
            case INT8:
            case UINT8: {
                byte[] a = data.bytes();
                for (int i = 0; i < a.length; i++) {
                    if (a[i] != 0) {
                        out[i] = label;
                    }
                }
                break;
            }
            case INT16: {
                short[] a = data.shorts();
                for (int i = 0; i < a.length; i++) {
                    if (a[i] > 0) {
                        out[i] = label;
                    }
                }
                break;
            }
            case UINT16: {
                short[] a = data.shorts();
                for (int i = 0; i < a.length; i++) {
                    if (a[i] != 0) {
                        out[i] = label;
                    }
                }
                break;
            }
            case FLOAT32: {
                float[] a = data.floats();
                for (int i = 0; i < a.length; i++) {
                    if (a[i] > 0) {
                        out[i] = label;
                    }
                }
                break;
            }
            default: {
                int n = data.size();
                for (int i = 0; i < n; i++) {
                    if (data.getDouble(i) > 0) {
                        out[i] = label;
                    }
                }
            }
        }
    }

    private static boolean isMask(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return Files.isRegularFile(p) && !n.startsWith(".") && (n.endsWith(".mrc") || n.endsWith(".rec"));
    }

    /** Entries of a folder that pass the filter, sorted by name (hidden ones skipped). */
    private static List<Path> list(Path folder, java.util.function.Predicate<Path> keep) {
        try (Stream<Path> s = Files.list(folder)) {
            List<Path> out = new ArrayList<>();
            s.filter(p -> !p.getFileName().toString().startsWith(".")).filter(keep)
                    .sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()))
                    .forEach(out::add);
            return out;
        } catch (IOException e) {
            throw new CryosiamUserException(folder + ": cannot list the folder (" + e.getMessage() + ").");
        }
    }
}
