package org.cryosiam.workflow;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.Supplier;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.checkpoint.ModelKind;
import org.cryosiam.config.Config;
import org.cryosiam.inference.LamellaMask;
import org.cryosiam.inference.NetworkPredictor;
import org.cryosiam.inference.Preprocessing;
import org.cryosiam.inference.SlidingWindow;
import org.cryosiam.io.Csv;
import org.cryosiam.io.ElementType;
import org.cryosiam.io.Geometry;
import org.cryosiam.io.Hdf5;
import org.cryosiam.io.InputFiles;
import org.cryosiam.io.NdData;
import org.cryosiam.io.PlaneReader;
import org.cryosiam.io.ScratchFile;
import org.cryosiam.io.Tomograms;
import org.cryosiam.ops.InstancePostprocessing;
import org.cryosiam.ops.RegionProps;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;

/**
 * {@code cryosiam instance_predict}: instance segmentation with a CryoSiam instance model (foreground, distance and
 * boundary heads), then the marker-based watershed of {@link InstancePostprocessing}, and with
 * {@code parameters.network.postprocessing: true} and {@code boundary_bias < 1} the multicut merge of
 * {@link InstancePostprocessing#multicutMerge} on the boundary map.
 *
 * <p>When {@code <stem>_preds.h5} already exists in the prediction folder, its maps are reused and the network is
 * not run (not even loaded, when every tomogram has one): re-running with new post-processing parameters takes
 * seconds.
 */
public final class InstancePrediction {
    public static final String NAME = "instance_predict";
    public static final Step STEP = Step.of(NAME,
            (cfg, run) -> new InstancePrediction(Settings.from(cfg), run).run()).skippingFinished();

    /**
     * What the step reads from its config, checked before any work.
     *
     * @param config         the config itself, for the input list and the model
     * @param maskFolder     the lamella masks, or null
     * @param semanticFolder semantic predictions whose labels give the foreground, or null
     * @param semanticLabels the labels of {@code semanticFolder} that count as foreground (null without it)
     * @param multicutBias   the multicut's boundary bias, or empty without the multicut
     */
    public record Settings(Config config, Path dataFolder, Path outFolder, String ext, boolean saveRaw,
                           Path maskFolder, Path semanticFolder, List<Double> semanticLabels,
                           InstancePostprocessing.Parameters params, OptionalDouble multicutBias, boolean float16) {
        public static Settings from(Config cfg) {
            Path dataFolder = cfg.path("data_folder");
            Path outFolder = cfg.path("prediction_folder");
            String ext = cfg.string("file_extension");
            boolean saveRaw = cfg.bool("save_raw_predictions", false);
            String maskFolder = cfg.string("mask_folder", "");
            String semanticFolder = cfg.string("semantic_predictions", "");
            InstancePostprocessing.Parameters params = InstancePrediction.parameters(cfg);
            OptionalDouble multicutBias = InstancePrediction.multicutBias(cfg);
            List<Double> semanticLabels = semanticFolder.isEmpty() ? null
                    : cfg.numberList("semantic_foreground_labels");
            return new Settings(cfg, dataFolder, outFolder, ext, saveRaw,
                    maskFolder.isEmpty() ? null : Path.of(maskFolder),
                    semanticFolder.isEmpty() ? null : Path.of(semanticFolder), semanticLabels, params, multicutBias,
                    cfg.bool("save_float16", false));
        }
    }

    private final Settings settings;
    private final StepRun run;

    public InstancePrediction(Settings settings, StepRun run) {
        this.settings = settings;
        this.run = run;
    }

    public void run() {
        Config cfg = settings.config();
        Path outFolder = settings.outFolder();
        String ext = settings.ext();
        List<String> all = run.inputFiles(cfg, "data_folder");
        StepRun.refuseOverwritingInputs(settings.dataFolder(), all, ext, outFolder, "_preds.h5",
                "_instance_preds.h5", "_instance_regions.csv");
        run.noteModel(cfg);
        List<String> files = run.unfinished(all, ext, name -> {
            String stem = InputFiles.stem(name, ext);
            List<Path> out = new ArrayList<>(List.of(outFolder.resolve(stem + "_instance_preds.h5"),
                    outFolder.resolve(stem + "_instance_regions.csv")));
            // the raw maps are reused across configs (new thresholds), so only their presence counts
            Path raw = outFolder.resolve(stem + "_preds.h5");
            if (settings.saveRaw() && !Files.isRegularFile(raw)) {
                out.add(raw);
            }
            return out;
        });
        if (settings.maskFolder() != null) { // fail before hours of prediction, not after
            for (String name : files) {
                LamellaMask.require(settings.maskFolder(), InputFiles.stem(name, ext));
            }
        }
        try (LazyNetwork network = new LazyNetwork(cfg)) {
            run.forEachInput(files, name -> segment(network, name));
        }
    }

    /** One tomogram: its maps (predicted, or reused from {@code <stem>_preds.h5}), then the instances. */
    private void segment(LazyNetwork network, String name) {
        String stem = InputFiles.stem(name, settings.ext());
        Path outFolder = settings.outFolder();
        Path raw = outFolder.resolve(stem + "_preds.h5");
        OptionalDouble multicutBias = settings.multicutBias();
        try (Maps maps = Files.isRegularFile(raw) && !run.overwrite() ? reuse(raw, multicutBias.isPresent())
                : predict(network, settings.dataFolder().resolve(name), raw, stem)) {
            int[] shape = maps.shape;
            InstancePostprocessing.Planes foreground = settings.semanticFolder() == null ? maps.foreground
                    : InstancePostprocessing.Planes.of(semanticForeground(settings.semanticFolder().resolve(
                            stem + "_preds.h5"), settings.semanticLabels(), shape), shape[1], shape[2]);
            long t0 = System.nanoTime();
            int[] instances = InstancePostprocessing.segment(foreground, maps.distances, shape[0], shape[1],
                    shape[2], settings.params());
            if (multicutBias.isPresent()) {
                long t1 = System.nanoTime();
                instances = InstancePostprocessing.multicutMerge(instances, maps.boundaries(), shape[0], shape[1],
                        shape[2], multicutBias.getAsDouble());
                run.log().info(String.format("%s: multicut merge %.2f s", name, (System.nanoTime() - t1) / 1e9));
            }
            List<RegionProps.Region> regions = RegionProps.of(instances, shape[0], shape[1], shape[2]);
            run.log().info(String.format("%s: %d instances, post-processing %.2f s", name, regions.size(),
                    (System.nanoTime() - t0) / 1e9));
            Path h5 = outFolder.resolve(stem + "_instance_preds.h5");
            Hdf5.write(h5, "instances", NdData.uint32(instances, shape), maps.derived, run.outputs());
            run.log().info("wrote " + h5);
            Path csv = outFolder.resolve(stem + "_instance_regions.csv");
            Csv.write(csv, RegionTables.of(regions), Csv.Dialect.PYTHON_CSV, run.outputs());
            run.log().info("wrote " + csv);
        }
    }

    /**
     * The maps the post-processing reads: whole arrays of reused raw predictions, or maps parked in scratch files
     * while they were predicted, so that no whole float map is held during the prediction.
     */
    private static final class Maps implements AutoCloseable {
        final int[] shape;
        /** The voxel size of the tomogram, or of the reused maps (the tomogram unread). */
        final Hdf5.Options derived;
        final InstancePostprocessing.Planes foreground; // null when the semantic labels give it
        final InstancePostprocessing.Planes distances;
        private final Supplier<float[]> boundaries; // null without the multicut
        private final List<ScratchFile> scratch;

        Maps(int[] shape, Hdf5.Options derived, InstancePostprocessing.Planes foreground,
             InstancePostprocessing.Planes distances, Supplier<float[]> boundaries,
             List<ScratchFile> scratch) {
            this.shape = shape;
            this.derived = derived;
            this.foreground = foreground;
            this.distances = distances;
            this.boundaries = boundaries;
            this.scratch = scratch;
        }

        /** The whole boundary map, read when the multicut needs it (after the watershed). */
        float[] boundaries() {
            return boundaries.get();
        }

        @Override
        public void close() {
            scratch.forEach(ScratchFile::close);
        }
    }

    /** The maps of an existing {@code <stem>_preds.h5}. */
    private Maps reuse(Path raw, boolean multicut) {
        Hdf5.Options derived = Hdf5.Options.from(raw);
        NdData fg = Hdf5.read(raw, "foreground");
        NdData dist = Hdf5.read(raw, "distances");
        int[] shape = fg.shape();
        if (shape.length != 3 || !Arrays.equals(shape, dist.shape())) {
            throw new CryosiamUserException(raw + ": 'foreground' and 'distances' must be 3-D volumes of "
                    + "one shape, found " + Arrays.toString(shape) + " and "
                    + Arrays.toString(dist.shape()) + ".");
        }
        Supplier<float[]> boundaries = null;
        if (multicut) {
            if (!Hdf5.hasDataset(raw, "boundaries")) {
                throw new CryosiamUserException(raw + " has no 'boundaries' map, which postprocessing: "
                        + "true needs; delete the file to predict again.");
            }
            NdData bd = Hdf5.read(raw, "boundaries");
            if (!Arrays.equals(shape, bd.shape())) {
                throw new CryosiamUserException(raw + ": 'boundaries' has shape "
                        + Arrays.toString(bd.shape()) + ", 'foreground' "
                        + Arrays.toString(shape) + ".");
            }
            float[] b = bd.toFloatArray();
            boundaries = () -> b;
        }
        run.log().info("reusing the raw predictions in " + raw + " (delete it to predict again)");
        return new Maps(shape, derived, InstancePostprocessing.Planes.of(fg.toFloatArray(), shape[1], shape[2]),
                InstancePostprocessing.Planes.of(dist.toFloatArray(), shape[1], shape[2]), boundaries, List.of());
    }

    /**
     * Predicts the maps of one tomogram slab by slab: every map is written to {@code <stem>_preds.h5} when asked,
     * and those the post-processing reads are parked in scratch files next to it.
     */
    private Maps predict(LazyNetwork network, Path input, Path raw, String stem) {
        boolean multicut = settings.multicutBias().isPresent();
        DenseModel model = network.model();
        NetworkPredictor predictor = network.predictor();
        Geometry geometry = Tomograms.geometry(input);
        List<ScratchFile> scratch = new ArrayList<>();
        boolean done = false;
        // planned from the header before any voxel is read: what the post-processing will hold once the network's
        // memory is free again, and the lamella mask
        int[] shape = Tomograms.shape(input);
        Tomograms.requireOneArray(input, shape, "the maps its post-processing reads");
        long voxels = (long) shape[0] * shape[1] * shape[2];
        int post = Math.max(InstancePostprocessing.bytesPerVoxel(settings.params()),
                multicut ? InstancePostprocessing.MULTICUT_BYTES_PER_VOXEL : 0);
        long mask0 = settings.maskFolder() == null ? 0 : voxels;
        int batch = model.batchFor(run.context(), predictor, input, shape, 3, post * voxels + mask0,
                Tomograms.readerBytes(input));
        try (PlaneReader tomogram = Preprocessing.standard(Tomograms.planes(input), model.intensity);
             Hdf5.Stream rawFile = settings.saveRaw() ? Hdf5.stream(raw, rawDatasets(shape),
                     new Hdf5.Options(geometry, settings.float16()), run.outputs()) : null) {
            byte[] mask = settings.maskFolder() == null ? null : LamellaMask.load(settings.maskFolder(), stem, shape);
            boolean[] needed = {settings.semanticFolder() == null, true, multicut};
            ScratchFile[] parked = new ScratchFile[3];
            for (int k = 0; k < 3; k++) {
                if (needed[k]) {
                    parked[k] = new ScratchFile(raw.resolveSibling(stem + "_" + RAW_MAPS.get(k)));
                    scratch.add(parked[k]);
                }
            }
            SlidingWindow.run(tomogram, model.patchSize, batch, predictor, null,
                    SlidingWindow.progress(run.context().progress(), input.getFileName().toString(), shape,
                            model.patchSize),
                    (z0, z1, slab) -> {
                        long at = (long) z0 * shape[1] * shape[2];
                        for (int k = 0; k < 3; k++) {
                            if (mask != null) {
                                LamellaMask.apply(slab[k], mask, at);
                            }
                            if (parked[k] != null) {
                                parked[k].append(slab[k], slab[k].length);
                            }
                            if (rawFile != null) {
                                rawFile.write(RAW_MAPS.get(k), at, NdData.float32(slab[k], slab[k].length));
                            }
                        }
                    });
            if (rawFile != null) {
                rawFile.finish();
                run.log().info("wrote " + raw);
            }
            int plane = shape[1] * shape[2];
            Supplier<float[]> boundaries = parked[2] == null ? null : () -> {
                float[] b = new float[Math.multiplyExact(shape[0], plane)];
                parked[2].read(0, b);
                return b;
            };
            Maps maps = new Maps(shape, Hdf5.Options.of(geometry), planes(parked[0], plane), planes(parked[1], plane),
                    boundaries, scratch);
            done = true;
            return maps;
        } finally {
            if (!done) {
                scratch.forEach(ScratchFile::close);
            }
        }
    }

    /** The planes of a parked map (null when it was not parked). */
    private static InstancePostprocessing.Planes planes(ScratchFile file, int plane) {
        return file == null ? null : (z0, z1, dst) -> file.read((long) z0 * plane, dst);
    }

    /**
     * The network, built when the first tomogram without reusable raw maps needs it: a rerun with new
     * post-processing parameters builds none.
     */
    private final class LazyNetwork implements AutoCloseable {
        private final Config cfg;
        private DenseModel model;
        private NetworkPredictor predictor;

        LazyNetwork(Config cfg) {
            this.cfg = cfg;
        }

        DenseModel model() {
            if (model == null) {
                model = DenseModel.load(run.context(), cfg, ModelKind.INSTANCE, NAME);
                predictor = new NetworkPredictor(model.network, 3, InstancePrediction::maps);
            }
            return model;
        }

        NetworkPredictor predictor() {
            model();
            return predictor;
        }

        @Override
        public void close() {
            if (predictor != null) {
                predictor.close();
            }
            if (model != null) {
                model.close();
            }
        }
    }

    /** The watershed parameters, checked before any work. */
    public static InstancePostprocessing.Parameters parameters(Config cfg) {
        String net = "parameters.network.";
        int distanceType = cfg.integer(net + "distance_type", 0);
        if (distanceType < 0 || distanceType > 2) {
            throw new CryosiamUserException(cfg.source() + ": parameters.network.distance_type must be 0, 1 or 2, found "
                    + distanceType + ".");
        }
        multicutBias(cfg);
        double threshold = cfg.number(net + "threshold_foreground");
        double lo = cfg.number(net + "min_center_distance");
        double hi = cfg.number(net + "max_center_distance");
        // the marker search labels the volume once per 0.5 step from lo to hi: lo and hi must be finite and ordered;
        // a large hi costs nothing (the search stops where the distances end), a hugely negative lo would never end
        if (!Double.isFinite(threshold) || !Double.isFinite(lo) || !Double.isFinite(hi) || lo < 0 || hi < lo) {
            throw new CryosiamUserException(cfg.source() + ": parameters.network needs finite numbers with 0 <= "
                    + "min_center_distance <= max_center_distance and a finite threshold_foreground, found "
                    + lo + ", " + hi + " and " + threshold + ".");
        }
        return new InstancePostprocessing.Parameters(threshold, lo, hi, distanceType);
    }

    /**
     * The boundary bias of the multicut merge, or empty when there is none: {@code postprocessing} false (the
     * documented default) or {@code boundary_bias} 1 (the reference then returns the watershed as it is).
     */
    static OptionalDouble multicutBias(Config cfg) {
        String net = "parameters.network.";
        if (!cfg.bool(net + "postprocessing", false)) {
            return OptionalDouble.empty();
        }
        double bias = cfg.number(net + "boundary_bias", 1.0);
        if (bias == 1.0) {
            return OptionalDouble.empty();
        }
        if (!(bias > 0 && bias < 1)) {
            throw new CryosiamUserException(cfg.source() + ": parameters.network.boundary_bias must lie in (0, 1] "
                    + "with postprocessing: true, found " + bias + ".");
        }
        return OptionalDouble.of(bias);
    }

    /** The datasets of {@code <stem>_preds.h5}, in the order of the predictor's channels. */
    private static final List<String> RAW_MAPS = List.of("foreground", "distances", "boundaries");

    private static Map<String, Hdf5.DatasetSpec> rawDatasets(int[] shape) {
        Map<String, Hdf5.DatasetSpec> ds = new LinkedHashMap<>();
        for (String m : RAW_MAPS) {
            ds.put(m, new Hdf5.DatasetSpec(ElementType.FLOAT32, shape));
        }
        return ds;
    }

    /** {@code [sigmoid(foreground), distance, sigmoid(boundary)]} along the channel axis: {@code [B, 3, D, H, W]}. */
    private static NDArray maps(Map<String, NDArray> outputs) {
        NDArray fg = Activation.sigmoid(outputs.get("foreground"));
        NDArray bd = Activation.sigmoid(outputs.get("boundary"));
        return NDArrays.concat(new NDList(fg, outputs.get("distance"), bd), 1);
    }

    /** {@code isin(labels, semantic_foreground_labels)} as float32, from a semantic {@code <stem>_preds.h5}. */
    private static float[] semanticForeground(Path file, List<Double> labels, int[] shape) {
        NdData l = Hdf5.read(file, "labels");
        if (!Arrays.equals(l.shape(), shape)) {
            throw new CryosiamUserException(file + ": labels have shape " + Arrays.toString(l.shape())
                    + ", the instance maps " + Arrays.toString(shape) + ".");
        }
        float[] out = l.toFloatArray(); // small integer labels: exact in float32
        for (int i = 0; i < out.length; i++) {
            out[i] = labels.contains((double) out[i]) ? 1f : 0f;
        }
        return out;
    }

    }
