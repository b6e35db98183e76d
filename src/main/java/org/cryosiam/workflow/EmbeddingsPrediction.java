package org.cryosiam.workflow;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.config.Config;
import org.cryosiam.inference.Preprocessing;
import org.cryosiam.inference.SubtomogramPatches;
import org.cryosiam.io.Csv;
import org.cryosiam.io.Hdf5;
import org.cryosiam.io.InputFiles;
import org.cryosiam.io.NdData;
import org.cryosiam.io.Table;
import org.cryosiam.io.Tomograms;
import org.cryosiam.ops.ExpandLabels;
import org.cryosiam.ops.RegionProps;
import org.cryosiam.volume.Volume;

/**
 * {@code simsiam_embeddings_predict}: one SimSiam embedding per instance of an instance segmentation
 * (spec/commands.md).
 */
public final class EmbeddingsPrediction {
    public static final String NAME = "simsiam_embeddings_predict";
    public static final Step STEP = Step.of(NAME,
            (cfg, run) -> new EmbeddingsPrediction(Settings.from(cfg), run).run()).skippingFinished();

    /**
     * What the step reads from its config.
     *
     * @param config the config itself, for the input list, the model and the STAR options
     */
    public record Settings(Config config, Path dataFolder, Path masks, Path outFolder, String ext, long minSize,
                           long maxSize, int masking, double expand, String suffix) {
        public static Settings from(Config cfg) {
            ParticleGrids.check(cfg); // a bad star_format is reported before any work
            Path dataFolder = cfg.path("data_folder");
            Path masks = cfg.path("instances_mask_folder");
            Path outFolder = cfg.path("prediction_folder");
            String ext = cfg.string("file_extension");
            long minSize = cfg.has("min_particle_size") ? (long) cfg.number("min_particle_size") : 0;
            long maxSize = cfg.has("max_particle_size") ? (long) cfg.number("max_particle_size") : 0;
            int masking = cfg.integer("masking_type", 0);
            if (masking < 0 || masking > 2) {
                throw new CryosiamUserException(cfg.source() + ": masking_type must be 0, 1 or 2, not " + masking
                        + ".");
            }
            double expand = cfg.number("expand_labels", 0);
            String suffix = !cfg.has("instances") ? "" : "_min-" + yamlScalar(cfg.get("instances.min_center_distance"))
                    + "_max-" + yamlScalar(cfg.get("instances.max_center_distance"));
            return new Settings(cfg, dataFolder, masks, outFolder, ext, minSize, maxSize, masking, expand, suffix);
        }
    }

    private final Settings settings;
    private final StepRun run;

    public EmbeddingsPrediction(Settings settings, StepRun run) {
        this.settings = settings;
        this.run = run;
    }

    public void run() {
        Config cfg = settings.config();
        Path dataFolder = settings.dataFolder();
        Path masks = settings.masks();
        Path outFolder = settings.outFolder();
        String ext = settings.ext();
        long minSize = settings.minSize();
        long maxSize = settings.maxSize();
        int masking = settings.masking();
        double expand = settings.expand();
        String suffix = settings.suffix();
        List<String> files = run.inputFiles(cfg, "data_folder");
        StepRun.refuseOverwritingInputs(dataFolder, files, ext, outFolder, EmbeddingOutputs.SUFFIXES);
        refuseWhenNoMasks(files, ext, masks, suffix);
        try (EmbeddingModel model = EmbeddingModel.load(run.context(), cfg, "simsiam_embeddings_predict")) {
            List<String> todo = run.unfinished(files, ext, name -> EmbeddingOutputs.files(outFolder,
                    InputFiles.stem(name, ext)));
            run.forEachInput(todo, name -> {
                String stem = InputFiles.stem(name, ext);
                Path instancesFile = masks.resolve(stem + "_instance_preds" + suffix + ".h5");
                if (!Files.exists(instancesFile)) {
                    run.log().warn("skipping " + name + ": no instance masks " + instancesFile);
                    return;
                }
                // the tomogram (4 bytes/voxel), the instances as stored and as labels, and the expanded labels
                Tomograms.requireWhole(dataFolder.resolve(name), Tomograms.shape(dataFolder.resolve(name)),
                        Tomograms.wholeReadBytesPerVoxel(dataFolder.resolve(name)) + 12, run.context().maxMemory(),
                        "the tomogram and its instance labels");
                Volume tomogram = Tomograms.read(dataFolder.resolve(name));
                Preprocessing.standard(tomogram, model.intensity);
                NdData inst = Hdf5.read(instancesFile, "instances");
                int[] shape = inst.shape();
                if (shape.length != 3 || shape[0] != tomogram.nz() || shape[1] != tomogram.ny()
                        || shape[2] != tomogram.nx()) {
                    throw new CryosiamUserException(instancesFile + ": instances have shape "
                            + java.util.Arrays.toString(shape) + ", the tomogram " + name + " is "
                            + java.util.Arrays.toString(tomogram.shape()) + ".");
                }
                int[] labels = inst.toIntArray();
                int[] expanded = expand > 0 ? ExpandLabels.expand(labels, shape[0], shape[1], shape[2], expand) : labels;
                Path regionsFile = masks.resolve(stem + "_instance_regions" + suffix + ".csv");
                Table regions = Files.exists(regionsFile) ? typedRegions(Csv.read(regionsFile))
                        : computedRegions(expanded, shape);
                embed(model, tomogram, expanded, regions, minSize, maxSize, masking, outFolder, stem, cfg);
            });
        }
    }

    /** A run in which every tomogram would be skipped for want of its instance masks does nothing: refuse it. */
    private static void refuseWhenNoMasks(List<String> files, String ext, Path masks, String suffix) {
        for (String name : files) {
            if (Files.exists(masks.resolve(InputFiles.stem(name, ext) + "_instance_preds" + suffix + ".h5"))) {
                return;
            }
        }
        String first = InputFiles.stem(files.get(0), ext) + "_instance_preds" + suffix + ".h5";
        throw new CryosiamUserException(masks + " (instances_mask_folder): no instance masks for any of the "
                + Words.count(files.size(), "tomogram") + " (e.g. no " + first + "), so there is nothing to embed; "
                + "set instances_mask_folder to the prediction_folder of instance_predict.");
    }

    private static String yamlScalar(Object o) {
        return o == null ? "None" : o.toString();
    }

    /** The reference's typing of a regions CSV: integers for {@code label*} and {@code bbox*} columns, floats else. */
    static Table typedRegions(Table t) {
        Table.Builder b = Table.builder();
        for (String c : t.columns()) {
            if (c.contains("label") || c.contains("bbox")) {
                b.longs(c, t.longs(c));
            } else {
                b.doubles(c, t.doubles(c));
            }
        }
        return b.build();
    }

    /** {@code regionprops_table(expanded, ['label', 'area', 'bbox', 'centroid'])}. */
    static Table computedRegions(int[] labels, int[] shape) {
        return RegionTables.of(RegionProps.of(labels, shape[0], shape[1], shape[2]));
    }

    private void embed(EmbeddingModel model, Volume tomogram, int[] expanded, Table regions, long minSize,
            long maxSize, int masking, Path outFolder, String stem, Config cfg) {
        for (String c : List.of("label", "area", "bbox-0", "bbox-1", "bbox-2", "bbox-3", "bbox-4", "bbox-5")) {
            if (!regions.hasColumn(c)) {
                throw new CryosiamUserException(regions.source() + ": no column '" + c + "'.");
            }
        }
        long[] label = regions.longs("label");
        double[] area = regions.doubles("area");
        long[][] bbox = new long[6][];
        for (int i = 0; i < 6; i++) {
            bbox[i] = regions.longs("bbox-" + i);
        }
        List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < label.length; i++) {
            if (minSize != 0 && area[i] < minSize) {
                continue;
            }
            if (maxSize != 0 && area[i] > maxSize) {
                continue;
            }
            for (int a = 0; a < 3; a++) {
                int size = tomogram.shape()[a];
                if (bbox[a][i] < 0 || bbox[a + 3][i] > size || bbox[a][i] >= bbox[a + 3][i]) {
                    throw new CryosiamUserException(regions.source() + ": region " + label[i] + " has a bounding box "
                            + "outside the tomogram (" + java.util.Arrays.toString(tomogram.shape()) + ").");
                }
            }
            kept.add(i);
        }
        int n = kept.size();
        int[] rows = kept.stream().mapToInt(Integer::intValue).toArray();
        long[] hullArea = new long[n];
        long[] keptLabels = new long[n];
        for (int k = 0; k < n; k++) {
            keptLabels[k] = label[rows[k]];
        }
        double[][] embeddings = model.embed(run.context().progress(), stem, n, k -> {
            int i = rows[k];
            int z0 = (int) bbox[0][i], y0 = (int) bbox[1][i], x0 = (int) bbox[2][i];
            int z1 = (int) bbox[3][i], y1 = (int) bbox[4][i], x1 = (int) bbox[5][i];
            SubtomogramPatches.Box box = SubtomogramPatches.crop(tomogram, z0, y0, x0, z1, y1, x1);
            if (masking != SubtomogramPatches.NO_MASK) {
                byte[] mask = SubtomogramPatches.cropMask(expanded, tomogram.ny(), tomogram.nx(), (int) label[i],
                        z0, y0, x0, z1, y1, x1);
                hullArea[k] = SubtomogramPatches.mask(box, mask, masking);
            }
            return box;
        });
        Table keptRegions = RegionTables.rows(regions, rows);
        Table csv = keptRegions.toBuilder().longs("hull_area", hullArea).build();
        Table star = keptRegions.renamed(RegionTables.STAR_NAMES);
        EmbeddingOutputs.write(outFolder, stem, embeddings, keptLabels, csv, Csv.Dialect.PYTHON_CSV, star, cfg,
                run.log(), run.outputs());
    }
}
