package org.cryosiam.commands;

import java.nio.file.Path;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.io.Particles;
import org.cryosiam.io.Table;
import org.cryosiam.workflow.TomogramTemplate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cryosiam processing_create_sphere_mask_multiclass}: a label mask with a ball per particle, valued by class. */
@Command(name = "processing_create_sphere_mask_multiclass", mixinStandardHelpOptions = true,
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
    ProcessingOptions.SphereMaskTarget target = new ProcessingOptions.SphereMaskTarget();

    @Override
    protected java.util.Map<String, Path> outputFolders() {
        return output.outputFolders();
    }

    @Override
    protected void run() {
        int[] radii = parseRadii(sphereRadius);
        TomogramTemplate template = TomogramTemplate.of(target.tomogramPath, "--tomogram_path");
        Particles particles = Particles.read(coordinatesFile, "--coordinates_file", name -> template.grid(name, log));
        int[] classes = classes(particles);
        for (int i = 0; i < classes.length; i++) {
            int c = classes[i];
            if (c < 1 || c > 255) {
                throw new CryosiamUserException(coordinatesFile + ": row " + (i + 1) + " has class " + c
                        + "; class numbers must be 1 to 255.");
            }
            if (c > radii.length) {
                throw new CryosiamUserException("--sphere_radius " + sphereRadius + " gives " + radii.length
                        + " radi" + (radii.length == 1 ? "us" : "i") + " but " + coordinatesFile + " has class " + c
                        + " (row " + (i + 1) + "); give one radius per class.");
            }
        }
        ProcessingCreateSphereMaskCommand.writeMasks(log, particles, classes, radii, template, output.outputDir,
                target.tomoName, commandName());
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
