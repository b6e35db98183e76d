package org.cryosiam.io.copick;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.io.AtomicFile;
import org.cryosiam.io.Json;
import org.cryosiam.io.OutputSink;

/**
 * A copick project on a local file system, as copick's data model lays it out ({@code copick/copick} docs,
 * {@code datamodel.md}; {@code copick.impl.filesystem}): a config JSON naming the pickable objects and an overlay
 * root (written to) with an optional static root (read only), each holding
 * {@code ExperimentRuns/<run>/VoxelSpacing<x.xxx>/<tomo_type>.zarr} tomograms (OME-Zarr),
 * {@code Picks/<user>_<session>_<object>.json} and
 * {@code Segmentations/<x.xxx>_<user>_<session>_<name>[-multilabel].zarr}. A run's entries are looked up in the
 * overlay first, then in the static root, as copick lists both.
 */
public final class CopickProject {
    /** A pickable object of the config: its name and the label that marks it in multilabel segmentations. */
    public record PickableObject(String name, boolean particle, int label) {
    }

    private final Path configFile;
    private final Path overlay;
    private final Path staticRoot;
    private final String userId;
    private final String sessionId;
    private final List<PickableObject> objects;

    private CopickProject(Path configFile, Path overlay, Path staticRoot, String userId, String sessionId,
                          List<PickableObject> objects) {
        this.configFile = configFile;
        this.overlay = overlay;
        this.staticRoot = staticRoot;
        this.userId = userId;
        this.sessionId = sessionId;
        this.objects = objects;
    }

    /** Reads a copick config of the {@code filesystem} type whose roots are local paths. */
    public static CopickProject load(Path configFile) {
        Object parsed;
        try {
            parsed = Json.parse(Files.readString(configFile, StandardCharsets.UTF_8));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new CryosiamUserException(configFile + ": copick config not found.");
        } catch (IOException e) {
            throw new CryosiamUserException(configFile + ": cannot read (" + e.getMessage() + ").", e);
        } catch (RuntimeException e) {
            throw new CryosiamUserException(configFile + ": not a copick config (not valid JSON).", e);
        }
        if (!(parsed instanceof Map<?, ?> m)) {
            throw new CryosiamUserException(configFile + ": not a copick config (not a JSON object).");
        }
        Object type = m.get("config_type");
        if (type != null && !"filesystem".equals(type)) {
            throw new CryosiamUserException(configFile + ": a copick project of config_type '" + type + "'; only "
                    + "'filesystem' projects on local disks are read.");
        }
        if (!(m.get("overlay_root") instanceof String overlayUrl)) {
            throw new CryosiamUserException(configFile + ": the copick config has no overlay_root.");
        }
        Path overlay = localPath(configFile, "overlay_root", overlayUrl);
        Path statics = m.get("static_root") instanceof String s ? localPath(configFile, "static_root", s) : null;
        List<PickableObject> objects = new ArrayList<>();
        if (m.get("pickable_objects") instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof Map<?, ?> po && po.get("name") instanceof String name) {
                    Object label = po.get("label");
                    objects.add(new PickableObject(name, Boolean.TRUE.equals(po.get("is_particle")),
                            label instanceof Number n ? n.intValue() : 1)); // copick's default label is 1
                }
            }
        }
        return new CopickProject(configFile, overlay, statics, stringOrNull(m.get("user_id")),
                stringOrNull(m.get("session_id")), objects);
    }

    private static String stringOrNull(Object o) {
        return o == null ? null : String.valueOf(o);
    }

    /** {@code local:///p}, {@code file:///p} or a plain path (relative ones from the working directory, as fsspec). */
    private static Path localPath(Path configFile, String key, String url) {
        String p = url;
        for (String scheme : new String[] {"local://", "file://"}) {
            if (p.startsWith(scheme)) {
                p = p.substring(scheme.length());
            }
        }
        if (p.contains("://")) {
            throw new CryosiamUserException(configFile + ": " + key + " " + url + " is not on a local disk; only "
                    + "local copick projects are read (copy or mount it).");
        }
        return Path.of(p);
    }

    public Path configFile() {
        return configFile;
    }

    public Path overlayRoot() {
        return overlay;
    }

    /** The config's {@code user_id}, or null. */
    public String userId() {
        return userId;
    }

    /** The config's {@code session_id}, or null. */
    public String sessionId() {
        return sessionId;
    }

    public List<PickableObject> objects() {
        return List.copyOf(objects);
    }

    /** The object marked by {@code label} in multilabel segmentations, or null. */
    public PickableObject objectWithLabel(int label) {
        for (PickableObject o : objects) {
            if (o.label() == label) {
                return o;
            }
        }
        return null;
    }

    /** The names of the runs in either root, sorted (hidden entries skipped). */
    public List<String> runs() {
        TreeSet<String> names = new TreeSet<>();
        for (Path root : roots()) {
            Path runs = root.resolve("ExperimentRuns");
            if (!Files.isDirectory(runs)) {
                continue;
            }
            try (Stream<Path> s = Files.list(runs)) {
                s.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                        .filter(n -> !n.startsWith(".")).forEach(names::add);
            } catch (IOException e) {
                throw new CryosiamUserException(runs + ": cannot list the copick runs (" + e.getMessage() + ").");
            }
        }
        return new ArrayList<>(names);
    }

    private List<Path> roots() {
        return staticRoot == null || staticRoot.equals(overlay) ? List.of(overlay) : List.of(overlay, staticRoot);
    }

    /** The tomogram {@code <tomo_type>.zarr} of a run at a voxel spacing (overlay first), or null when absent. */
    public Path tomogram(String run, double voxelSpacing, String tomoType) {
        for (Path root : roots()) {
            Path p = root.resolve("ExperimentRuns").resolve(run).resolve("VoxelSpacing" + spacing(voxelSpacing))
                    .resolve(tomoType + ".zarr");
            if (Files.isDirectory(p)) {
                return p;
            }
        }
        return null;
    }

    /** Where picks of an object by a user and session go (the overlay). */
    public Path picksFile(String run, String user, String session, String object) {
        return overlay.resolve("ExperimentRuns").resolve(run).resolve("Picks")
                .resolve(user + "_" + session + "_" + object + ".json");
    }

    /** Where a segmentation goes (the overlay): binary per object, or multilabel under any name. */
    public Path segmentation(String run, double voxelSpacing, String user, String session, String name,
                             boolean multilabel) {
        return overlay.resolve("ExperimentRuns").resolve(run).resolve("Segmentations")
                .resolve(spacing(voxelSpacing) + "_" + user + "_" + session + "_" + name
                        + (multilabel ? "-multilabel" : "") + ".zarr");
    }

    /** A voxel spacing as copick names folders: three decimals of the exact value (Python's {@code :.3f}). */
    public static String spacing(double voxelSpacing) {
        return new BigDecimal(voxelSpacing).setScale(3, RoundingMode.HALF_EVEN).toPlainString();
    }

    /**
     * Refuses a user, session or object name that copick would split wrongly: file names join them with underscores,
     * so none may contain one (nor a path separator).
     */
    public static void checkName(String what, String name) {
        if (name == null || name.isEmpty() || name.contains("_") || name.contains("/") || name.contains("\\")) {
            throw new CryosiamUserException(what + " '" + name + "': copick names must be non-empty and contain no "
                    + "underscore or slash (copick joins them with underscores in file names).");
        }
    }

    /**
     * The JSON of a copick picks file ({@code CopickPicksFile}): points in Å with copick's identity
     * {@code transformation_}, {@code instance_id} 0 (no instance) and score 1, {@code trust_orientation} false (we
     * find positions, not orientations).
     *
     * @param xyz points in Å, {x, y, z} each
     */
    public static Map<String, Object> picks(String object, String user, String session, String run,
                                            double voxelSpacing, List<double[]> xyz) {
        List<Object> points = new ArrayList<>();
        for (double[] p : xyz) {
            Map<String, Object> location = new LinkedHashMap<>();
            location.put("x", p[0]);
            location.put("y", p[1]);
            location.put("z", p[2]);
            Map<String, Object> point = new LinkedHashMap<>();
            point.put("location", location);
            point.put("transformation_", List.of(List.of(1.0, 0.0, 0.0, 0.0), List.of(0.0, 1.0, 0.0, 0.0),
                    List.of(0.0, 0.0, 1.0, 0.0), List.of(0.0, 0.0, 0.0, 1.0)));
            point.put("instance_id", 0);
            point.put("score", 1.0);
            points.add(point);
        }
        Map<String, Object> file = new LinkedHashMap<>();
        file.put("pickable_object_name", object);
        file.put("user_id", user);
        file.put("session_id", session);
        file.put("run_name", run);
        file.put("voxel_spacing", voxelSpacing);
        file.put("unit", "angstrom");
        file.put("points", points);
        file.put("trust_orientation", false);
        return file;
    }

    /**
     * The points of a copick picks file ({@code CopickPicksFile}).
     *
     * @param run    {@code run_name}, or null when the file has none
     * @param xyz    each point's location in Å, {x, y, z}
     * @param scores each point's {@code score} (NaN where it has none)
     */
    public record Picks(String run, String object, double[][] xyz, double[] scores) {
    }

    /** Whether parsed JSON looks like a copick picks file: an object with a {@code points} list. */
    public static boolean isPicks(Object json) {
        return json instanceof Map<?, ?> m && m.get("points") instanceof List<?>;
    }

    /** Reads parsed picks JSON of {@code file}; a point without a numeric x, y, z location is an error. */
    public static Picks picks(Path file, Object json) {
        Map<?, ?> m = (Map<?, ?>) json;
        Object unit = m.get("unit");
        if (unit != null && !"angstrom".equals(unit)) {
            throw new CryosiamUserException(file + ": copick picks in '" + unit + "'; copick writes angstrom.");
        }
        List<?> points = (List<?>) m.get("points");
        double[][] xyz = new double[points.size()][3];
        double[] scores = new double[points.size()];
        for (int i = 0; i < points.size(); i++) {
            Object loc = points.get(i) instanceof Map<?, ?> p ? p.get("location") : null;
            for (int a = 0; a < 3; a++) {
                Object v = loc instanceof Map<?, ?> l ? l.get(String.valueOf("xyz".charAt(a))) : null;
                if (!(v instanceof Number n) || !Double.isFinite(n.doubleValue())) {
                    throw new CryosiamUserException(file + ": point " + (i + 1) + " of the copick picks has no "
                            + "numeric location " + "xyz".charAt(a) + ".");
                }
                xyz[i][a] = n.doubleValue();
            }
            Object score = ((Map<?, ?>) points.get(i)).get("score");
            scores[i] = score instanceof Number n ? n.doubleValue() : Double.NaN;
        }
        Object run = m.get("run_name");
        Object object = m.get("pickable_object_name");
        return new Picks(run == null ? null : String.valueOf(run), object == null ? null : String.valueOf(object), xyz,
                scores);
    }

    /** Writes a picks file atomically, creating the run's {@code Picks} folder. */
    public static void writePicks(Path file, Map<String, Object> picks) {
        writePicks(file, picks, OutputSink.NONE);
    }

    /** {@link #writePicks(Path, Map)}, an output of the run of {@code outputs}. */
    public static void writePicks(Path file, Map<String, Object> picks, OutputSink outputs) {
        AtomicFile.write(file, tmp -> Files.writeString(tmp, Json.write(picks), StandardCharsets.UTF_8), outputs);
    }
}
