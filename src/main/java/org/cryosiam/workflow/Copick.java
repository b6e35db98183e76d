package org.cryosiam.workflow;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.config.Config;
import org.cryosiam.io.NdData;
import org.cryosiam.io.OutputSink;
import org.cryosiam.io.copick.CopickProject;
import org.cryosiam.io.zarr.OmeZarr;
import org.cryosiam.log.Log;

/**
 * A copick project as the input and output of the workflow commands, chosen by config keys:
 * {@code copick_config} (the project's JSON), {@code copick_voxel_spacing} (Å, required),
 * {@code copick_tomo_type} (default {@code wbp}), {@code copick_user_id} and {@code copick_session_id} (default: the
 * project's {@code user_id}/{@code session_id}, else {@code cryosiam} and {@code 0}) and
 * {@code copick_segmentation_name} (default {@code cryosiam}).
 *
 * <p>Input: each run that has the tomogram {@code VoxelSpacing<x.xxx>/<tomo_type>.zarr} is one input named after the
 * run. The config is rewritten to read them from a private folder of links {@code <run>.zarr} → the run's tomogram, so
 * every command's {@code data_folder} rules (sorting, {@code --filename}, output names, the input guard) apply
 * unchanged. Output: {@code semantic_to_centers} writes picks and {@code semantic_predict} the label map as a
 * multilabel segmentation into the overlay root.
 */
public final class Copick {
    private final CopickProject project;
    private final double voxelSpacing;
    private final String user;
    private final String session;
    private final String segmentationName;

    private Copick(CopickProject project, double voxelSpacing, String user, String session, String segmentationName) {
        this.project = project;
        this.voxelSpacing = voxelSpacing;
        this.user = user;
        this.session = session;
        this.segmentationName = segmentationName;
    }

    /** The project a config names, or null when it names none. */
    public static Copick of(Config cfg) {
        if (!cfg.has("copick_config")) {
            return null;
        }
        CopickProject p = CopickProject.load(cfg.path("copick_config"));
        if (!cfg.has("copick_voxel_spacing")) {
            throw new CryosiamUserException(cfg.source() + ": copick_config needs copick_voxel_spacing, the voxel "
                    + "spacing (Å) of the tomograms to read and of the annotations written.");
        }
        double vs = cfg.number("copick_voxel_spacing");
        if (!(vs > 0) || Double.isInfinite(vs)) {
            throw new CryosiamUserException(cfg.source() + ": copick_voxel_spacing " + vs + " is not a positive size.");
        }
        String user = cfg.string("copick_user_id", p.userId() == null ? "cryosiam" : p.userId());
        String session = cfg.string("copick_session_id", p.sessionId() == null ? "0" : p.sessionId());
        String name = cfg.string("copick_segmentation_name", "cryosiam");
        CopickProject.checkName("copick_user_id", user);
        CopickProject.checkName("copick_session_id", session);
        CopickProject.checkName("copick_segmentation_name", name);
        return new Copick(p, vs, user, session, name);
    }

    /**
     * The config with {@code data_folder} and {@code file_extension} pointing at the project's tomograms (links in a
     * temporary folder removed when the JVM exits), or {@code cfg} itself without {@code copick_config} or when the
     * command does not read tomograms (its copick keys are still checked before any work).
     */
    public static Config inputs(Config cfg, boolean readsTomograms, Log log) throws IOException {
        Copick c = of(cfg);
        if (c == null || !readsTomograms) {
            return cfg;
        }
        String type = cfg.string("copick_tomo_type", "wbp");
        List<String> missing = new ArrayList<>();
        Map<String, Path> tomograms = new LinkedHashMap<>();
        for (String run : c.project.runs()) {
            Path t = c.project.tomogram(run, c.voxelSpacing, type);
            if (t == null) {
                missing.add(run);
            } else {
                tomograms.put(run, t);
            }
        }
        String where = "VoxelSpacing" + CopickProject.spacing(c.voxelSpacing) + "/" + type + ".zarr";
        if (tomograms.isEmpty()) {
            throw new CryosiamUserException(c.project.configFile() + ": no run of the copick project has a tomogram "
                    + where + "; check copick_voxel_spacing and copick_tomo_type.");
        }
        if (!missing.isEmpty()) {
            log.warn("copick runs without " + where + " are skipped: " + String.join(", ", missing));
        }
        Path links = Files.createTempDirectory("cryosiam-copick-");
        File dir = links.toFile();
        dir.deleteOnExit(); // registered first: deleted after the links in it
        for (Map.Entry<String, Path> e : tomograms.entrySet()) {
            Path link = Files.createSymbolicLink(links.resolve(e.getKey() + ".zarr"), e.getValue().toAbsolutePath());
            link.toFile().deleteOnExit();
        }
        return cfg.with("data_folder", links.toString()).with("file_extension", ".zarr");
    }

    /**
     * Writes the picks of class {@code label} into each run's {@code Picks} folder, for the object whose label it is
     * (an empty list where none were found).
     */
    public static void writePicks(Log log, Config cfg, int label, List<Path> predictions, String[] tomo, double[] cz,
                           double[] cy, double[] cx, OutputSink outputs) {
        Copick c = of(cfg);
        if (c == null) {
            return;
        }
        List<String> runs = new ArrayList<>(); // <run>_preds.h5, as semantic_predict names them
        for (Path p : predictions) {
            String name = p.getFileName().toString();
            if (name.endsWith("_preds.h5")) {
                runs.add(name.substring(0, name.length() - "_preds.h5".length()));
            }
        }
        CopickProject.PickableObject object = c.project.objectWithLabel(label);
        if (object == null) {
            log.warn(c.project.configFile() + ": no pickable object has label " + label
                    + ", so no copick picks are written for class " + label + ".");
            return;
        }
        CopickProject.checkName("pickable object", object.name());
        for (String run : runs) {
            List<double[]> points = new ArrayList<>();
            for (int i = 0; i < tomo.length; i++) {
                if (tomo[i].equals(run)) { // voxel index × spacing: copick's convention (no half-voxel shift)
                    points.add(new double[] {cx[i] * c.voxelSpacing, cy[i] * c.voxelSpacing, cz[i] * c.voxelSpacing});
                }
            }
            Path file = c.project.picksFile(run, c.user, c.session, object.name());
            CopickProject.writePicks(file, CopickProject.picks(object.name(), c.user, c.session, run,
                    c.voxelSpacing, points), outputs);
            log.info("wrote " + file + " (" + Words.count(points.size(), "particle") + ")");
        }
    }

    /**
     * The pickable object that clustered particles are written as ({@code copick_object}), or null when no copick
     * picks are to be written: without {@code copick_config}, or (with a warning) without {@code copick_object}. An
     * object the project does not have is an error.
     */
    public static String clusterObject(Log log, Config cfg) {
        Copick c = of(cfg);
        if (c == null) {
            return null;
        }
        if (!cfg.has("copick_object")) {
            log.warn(cfg.source() + ": copick_object is not set, so no copick picks are written per cluster (set it "
                    + "to the pickable object the clustered particles are).");
            return null;
        }
        String object = cfg.string("copick_object");
        if (c.project.objects().stream().noneMatch(o -> o.name().equals(object))) {
            throw new CryosiamUserException(cfg.source() + ": copick_object '" + object + "' is not a pickable object "
                    + "of " + c.project.configFile() + ".");
        }
        return object;
    }

    /**
     * Writes the particles of one cluster as copick picks of {@code object} ({@link #clusterObject}), in the session
     * {@code <copick_session_id>-cluster<k>}, so that each cluster is a pick set of its own beside the others; one
     * file per run in {@code runs} (an empty list where the cluster has none).
     */
    public static void writeClusterPicks(Log log, Config cfg, String object, int cluster, List<String> runs,
                                         String[] tomo, double[] cz, double[] cy, double[] cx, OutputSink outputs) {
        Copick c = of(cfg);
        String session = c.session + "-cluster" + cluster;
        CopickProject.checkName("copick_session_id", session);
        for (String run : runs) {
            List<double[]> points = new ArrayList<>();
            for (int i = 0; i < tomo.length; i++) {
                if (tomo[i].equals(run)) { // voxel index × spacing: copick's convention (no half-voxel shift)
                    points.add(new double[] {cx[i] * c.voxelSpacing, cy[i] * c.voxelSpacing, cz[i] * c.voxelSpacing});
                }
            }
            Path file = c.project.picksFile(run, c.user, session, object);
            CopickProject.writePicks(file, CopickProject.picks(object, c.user, session, run, c.voxelSpacing, points),
                    outputs);
            log.info("wrote " + file + " (" + Words.count(points.size(), "particle") + ")");
        }
    }

    /** Writes a label map as the run's multilabel segmentation (OME-Zarr, downsampled by mode). */
    public static void writeSegmentation(Log log, Config cfg, String run, NdData labels, float[] voxelSize,
                                  OutputSink outputs) {
        Copick c = of(cfg);
        if (c == null) {
            return;
        }
        Path target = c.project.segmentation(run, c.voxelSpacing, c.user, c.session, c.segmentationName, true);
        OmeZarr.write(target, labels, org.cryosiam.io.Geometry.of(voxelSize), 0, true, target.getFileName().toString().replace(".zarr", ""),
                outputs);
        log.info("wrote " + target);
    }
}
