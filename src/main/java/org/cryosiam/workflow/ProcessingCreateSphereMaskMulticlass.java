package org.cryosiam.workflow;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.io.Particles;
import org.cryosiam.io.Table;
import org.cryosiam.log.Log;

/** {@code processing_create_sphere_mask_multiclass}: a label mask with a ball per particle, valued by class. */
public final class ProcessingCreateSphereMaskMulticlass {
    public static final String NAME = "processing_create_sphere_mask_multiclass";

    /** The flags of the step, as given: those of processing_create_sphere_mask, with one radius per class. */
    private final ProcessingCreateSphereMask.Settings settings;
    private final Log log;

    public ProcessingCreateSphereMaskMulticlass(ProcessingCreateSphereMask.Settings settings, Log log) {
        this.settings = settings;
        this.log = log;
    }

    public void run() {
        int[] radii = parseRadii(settings.sphereRadius());
        TomogramTemplate template = TomogramTemplate.of(settings.tomogramPath(), "--tomogram_path");
        Double pixelSize = settings.reading().pixelSize();
        Particles particles = Particles.read(settings.coordinatesFile(), "--coordinates_file",
                template.grids(pixelSize, log), settings.reading().units(), template.defaultName(), log);
        int[] classes = classes(particles);
        for (int i = 0; i < classes.length; i++) {
            int c = classes[i];
            if (c < 1 || c > 255) {
                throw new CryosiamUserException(settings.coordinatesFile() + ": row " + (i + 1) + " has class " + c
                        + "; class numbers must be 1 to 255.");
            }
            if (c > radii.length) {
                throw new CryosiamUserException("--sphere_radius " + settings.sphereRadius() + " gives " + radii.length
                        + " radi" + (radii.length == 1 ? "us" : "i") + " but " + settings.coordinatesFile()
                        + " has class " + c + " (row " + (i + 1) + "); give one radius per class.");
            }
        }
        ProcessingCreateSphereMask.writeMasks(log, particles, classes, radii, template, settings.outputDir(),
                settings.tomoName(), NAME);
    }

    static int[] parseRadii(String text) {
        String[] parts = text.split(",", -1);
        int[] radii = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i].trim();
            if (!p.matches("[0-9]{1,9}")) {
                throw new CryosiamUserException("--sphere_radius " + text + ": expected comma-separated whole numbers "
                        + "of voxels (one per class), e.g. 5,7,9.");
            }
            radii[i] = Integer.parseInt(p);
        }
        return radii;
    }

    /** The class of each row: {@code rlnClassNumber} (or the reference's {@code rlnClassNum}) / {@code semantic_class}. */
    private static int[] classes(Particles p) {
        Table t = p.table();
        String[] candidates = p.star() ? new String[] {"rlnClassNumber", "rlnClassNum"}
                : new String[] {"semantic_class"};
        for (String c : candidates) {
            if (t.hasColumn(c)) {
                return t.ints(c);
            }
        }
        Particles.requireColumns(t, p.file(), "--coordinates_file", p.star() ? "STAR" : "CSV", candidates[0]);
        throw new IllegalStateException("unreachable");
    }
}
