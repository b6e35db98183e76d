package org.cryosiam.workflow;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.checkpoint.Checkpoint;
import org.cryosiam.checkpoint.TrainingConfig;
import org.cryosiam.config.Config;
import org.cryosiam.io.Csv;
import org.cryosiam.io.Hdf5;
import org.cryosiam.io.NdData;
import org.cryosiam.io.Relion5Particles;
import org.cryosiam.io.Table;
import org.cryosiam.io.Tomograms;
import org.cryosiam.ops.BinaryErosion;
import org.cryosiam.ops.ConnectedComponents;
import org.cryosiam.ops.RegionProps;
import org.cryosiam.zoo.ModelResolver;

/**
 * {@code semantic_to_centers}: particle centres from semantic (particle-candidate) predictions. For each class
 * {@code k}, the class mask of every {@code *.h5} in {@code prediction_folder} is eroded once (6-connected cross,
 * border kept), labelled (26-connectivity), and the regions with more than {@code min_voxels} voxels are listed in
 * {@code labels_<k>.csv} and {@code labels_<k>_particles.star}.
 */
public final class SemanticToCenters {
    public static final String NAME = "semantic_to_centers";
    public static final Step STEP = Step.of(NAME,
            (cfg, run) -> new SemanticToCenters(Settings.from(cfg), run).run()).wholeFolder();

    /**
     * What the step reads from its config.
     *
     * @param config the config itself, for the number of classes (the model's, when the config has none),
     *               min_voxels and the STAR options
     */
    public record Settings(Config config, Path predictionFolder) {
        public static Settings from(Config cfg) {
            return new Settings(cfg, cfg.path("prediction_folder"));
        }
    }

    private final Settings settings;
    private final StepRun run;

    public SemanticToCenters(Settings settings, StepRun run) {
        this.settings = settings;
        this.run = run;
    }

    public void run() throws IOException {
        Config cfg = settings.config();
        Path folder = settings.predictionFolder();
        int classes = classes(cfg);
        int last = classes > 1 ? classes - 1 : 1;
        long[] minVoxels = minVoxels(cfg, Math.max(classes, 2));
        List<Path> files = predictions(folder);
        boolean relion5 = ParticleGrids.check(cfg); // config mistakes before any work
        Double pixelSize = ParticleGrids.configPixelSize(cfg);
        Map<String, Relion5Particles.Grid> grids = new HashMap<>();
        List<List<Row>> rows = new ArrayList<>();
        for (int k = 0; k <= last; k++) {
            rows.add(new ArrayList<>());
        }
        for (Path file : files) {
            NdData data = Hdf5.read(file, "labels");
            int[] s = data.shape();
            if (s.length != 3) {
                throw new CryosiamUserException(file + ": dataset 'labels' has " + s.length
                        + " dimensions, expected a 3-D volume.");
            }
            long[] labels = data.toLongArray();
            String name = file.getFileName().toString();
            int cut = name.indexOf("_preds.h5");
            String tomo = cut >= 0 ? name.substring(0, cut) : name;
            if (relion5) {
                grids.put(tomo, grid(cfg, file, tomo, s, pixelSize));
            }
            for (int k = 1; k <= last; k++) {
                byte[] mask = new byte[labels.length];
                for (int i = 0; i < labels.length; i++) {
                    mask[i] = labels[i] == k ? (byte) 1 : 0;
                }
                byte[] eroded = BinaryErosion.erode(mask, s[0], s[1], s[2], true);
                int[] instances = ConnectedComponents.label(eroded, s[0], s[1], s[2], 26);
                for (RegionProps.Region r : RegionProps.of(instances, s[0], s[1], s[2])) {
                    if (r.area() > minVoxels[k - 1]) {
                        rows.get(k).add(new Row(r, tomo));
                    }
                }
            }
            run.log().info("processed " + file);
        }
        for (int k = 1; k <= last; k++) {
            List<Row> list = rows.get(k);
            int n = list.size();
            long[] label = new long[n], area = new long[n];
            double[] cz = new double[n], cy = new double[n], cx = new double[n];
            String[] tomo = new String[n];
            for (int i = 0; i < n; i++) {
                Row r = list.get(i);
                label[i] = r.region.label();
                area[i] = r.region.area();
                cz[i] = r.region.centroidZ();
                cy[i] = r.region.centroidY();
                cx[i] = r.region.centroidX();
                tomo[i] = r.tomo;
            }
            Table csv = Table.builder().longs("label", label).longs("area", area).doubles("centroid-0", cz)
                    .doubles("centroid-1", cy).doubles("centroid-2", cx).strings("tomo", tomo).build();
            Path csvFile = folder.resolve("labels_" + k + ".csv");
            Csv.write(csvFile, csv, run.outputs());
            Table star = Table.builder().longs("rlnLabel", label).longs("rlnArea", area)
                    .doubles("rlnCoordinateZ", cz).doubles("rlnCoordinateY", cy).doubles("rlnCoordinateX", cx)
                    .strings("rlnMicrographName", tomo).build();
            Path starFile = folder.resolve("labels_" + k + "_particles.star");
            ParticleGrids.writeStar(starFile, star, cfg, grids::get, null, run.outputs());
            run.log().info("wrote " + csvFile + " and " + starFile.getFileName() + " ("
                    + Words.count(n, "particle") + ")");
            Copick.writePicks(run.log(), cfg, k, files, tomo, cz, cy, cx, run.outputs());
        }
    }

    private static final int DEFAULT_MIN_VOXELS = 100;

    private record Row(RegionProps.Region region, String tomo) {
    }

    /**
     * The grid the labels of {@code file} lie on: their shape, and the pixel size of the config, else of the tomogram
     * ({@code data_folder/<tomo><file_extension>}), else the {@code voxel_size} attribute the prediction carries.
     */
    private Relion5Particles.Grid grid(Config cfg, Path file, String tomo, int[] zyx, Double pixelSize) {
        int[] size = {zyx[2], zyx[1], zyx[0]};
        if (pixelSize == null && cfg.has("data_folder") && cfg.has("file_extension")) {
            Path t = cfg.path("data_folder").resolve(tomo + cfg.string("file_extension"));
            if (Files.exists(t)) { // an MRC file or an OME-Zarr folder
                return ParticleGrids.grid(size, Tomograms.geometry(t).voxelSize()[0], null, null, t.toString(),
                        run.log());
            }
        }
        float[] attr = pixelSize == null ? Hdf5.voxelSize(file) : null;
        return ParticleGrids.grid(size, attr == null ? 0f : attr[0], pixelSize, null, file.toString(), run.log());
    }

    /** Every {@code *.h5} of the folder, sorted by name. */
    private static List<Path> predictions(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            throw new CryosiamUserException(folder + ": prediction_folder not found.");
        }
        try (Stream<Path> s = Files.list(folder)) {
            List<Path> files = s.filter(p -> p.getFileName().toString().endsWith(".h5") && Files.isRegularFile(p))
                    .sorted().toList();
            if (files.isEmpty()) {
                throw new CryosiamUserException(folder + ": no *.h5 predictions in prediction_folder.");
            }
            return files;
        }
    }

    /** {@code parameters.network.out_channels} of the YAML, else of the {@code trained_model} checkpoint's config. */
    private int classes(Config cfg) {
        String key = "parameters.network.out_channels";
        if (cfg.has(key)) {
            int n = cfg.integer(key);
            if (cfg.has("trained_model")) { // only a cross-check: this step needs no model (nor does the reference)
                Checkpoint ckpt;
                try {
                    ckpt = Checkpoint.load(ModelResolver.resolve(cfg, "trained_model", run.context().record()).file());
                } catch (CryosiamUserException e) {
                    run.log().warn("the class count is not checked against trained_model (" + e.getMessage()
                            + "); this step does not need the model");
                    return n;
                }
                ModelChecks.warnClasses(run.log(), cfg, n, ModelChecks.modelClasses(ckpt),
                        ckpt.file().getFileName().toString(),
                        "labels_<k> files are written for the config's " + n + ", those beyond the model's are empty");
            }
            return n;
        }
        if (cfg.has("trained_model")) {
            Checkpoint ckpt = Checkpoint.load(ModelResolver.resolve(cfg, "trained_model",
                    run.context().record()).file());
            TrainingConfig c = TrainingConfig.of(ckpt, TrainingConfig.CONFIG);
            if (c.present()) {
                Config task = c.config();
                if (task.has(key)) {
                    return task.integer(key);
                }
            }
        }
        throw new CryosiamUserException(cfg.source() + ": missing required key '" + key + "' (the number of classes).");
    }

    /** {@code min_voxels}: a list (one per class from 1) or one number for all; default 100. */
    private static long[] minVoxels(Config cfg, int count) {
        String key = "parameters.network.min_voxels";
        long[] out = new long[count];
        Object v = cfg.get(key);
        if (v == null) {
            java.util.Arrays.fill(out, DEFAULT_MIN_VOXELS);
        } else if (v instanceof List<?> list) {
            java.util.Arrays.fill(out, Long.MAX_VALUE);
            for (int i = 0; i < Math.min(count, list.size()); i++) {
                if (!(list.get(i) instanceof Number num)) {
                    throw new CryosiamUserException(cfg.source() + ": key '" + key + "' should hold numbers, found '"
                            + list.get(i) + "'.");
                }
                out[i] = (long) Math.floor(num.doubleValue());
            }
            if (list.size() < count - 1) {
                throw new CryosiamUserException(cfg.source() + ": key '" + key + "' lists " + list.size()
                        + " sizes, one per class 1.." + (count - 1) + " is needed.");
            }
        } else if (v instanceof Number num) {
            java.util.Arrays.fill(out, (long) Math.floor(num.doubleValue()));
        } else {
            throw new CryosiamUserException(cfg.source() + ": key '" + key + "' should be a number or a list, found '"
                    + v + "'.");
        }
        return out;
    }
}
