package org.cryosiam.commands;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

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
import org.cryosiam.io.Tomograms;
import org.cryosiam.ops.InstancePostprocessing;
import org.cryosiam.ops.RegionProps;
import org.cryosiam.workflow.DenseModel;
import org.cryosiam.workflow.RegionTables;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import picocli.CommandLine.Command;

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
@Command(name = "instance_predict", mixinStandardHelpOptions = true,
        description = {"Instance segmentation with a CryoSiam instance checkpoint: dense prediction of foreground, "
                + "distance and boundary maps, then markers by distance thresholds and a watershed; with "
                + "postprocessing: true and boundary_bias < 1, watershed regions merged by a multicut on the "
                + "boundary map.",
                "An existing <stem>_preds.h5 in prediction_folder is reused instead of running the network (not "
                        + "with --overwrite), so re-running with new thresholds is quick."})
public final class InstancePredictCommand extends ConfigCommand {
    @Override
    protected void run(Config cfg) {
        Path dataFolder = cfg.path("data_folder");
        Path outFolder = cfg.path("prediction_folder");
        String ext = cfg.string("file_extension");
        boolean saveRaw = cfg.bool("save_raw_predictions", false);
        String maskFolder = cfg.string("mask_folder", "");
        String semanticFolder = cfg.string("semantic_predictions", "");
        InstancePostprocessing.Parameters params = parameters(cfg);
        OptionalDouble multicutBias = multicutBias(cfg);
        List<Double> semanticLabels = semanticFolder.isEmpty() ? null : cfg.numberList("semantic_foreground_labels");
        boolean float16 = cfg.bool("save_float16", false);
        List<String> all = inputFiles(cfg, "data_folder");
        refuseOverwritingInputs(dataFolder, all, ext, outFolder, "_preds.h5", "_instance_preds.h5",
                "_instance_regions.csv");
        noteModel(cfg);
        List<String> files = unfinished(all, ext, name -> {
            String stem = InputFiles.stem(name, ext);
            List<Path> out = new ArrayList<>(List.of(outFolder.resolve(stem + "_instance_preds.h5"),
                    outFolder.resolve(stem + "_instance_regions.csv")));
            // the raw maps are reused across configs (new thresholds), so only their presence counts
            Path raw = outFolder.resolve(stem + "_preds.h5");
            if (saveRaw && !Files.isRegularFile(raw)) {
                out.add(raw);
            }
            return out;
        });
        if (!maskFolder.isEmpty()) { // fail before hours of prediction, not after
            for (String name : files) {
                LamellaMask.require(Path.of(maskFolder), InputFiles.stem(name, ext));
            }
        }

        try (LazyNetwork network = new LazyNetwork(cfg)) {
            forEachInput(files, name -> {
                String stem = InputFiles.stem(name, ext);
                Path raw = outFolder.resolve(stem + "_preds.h5");
                Hdf5.Options derived; // the voxel size of the tomogram, or of the reused maps (the tomogram unread)
                float[] foreground;
                float[] distances;
                float[] boundaries = null; // read only for the multicut
                int[] shape;
                if (Files.isRegularFile(raw) && !overwrite) {
                    derived = Hdf5.Options.from(raw);
                    NdData fg = Hdf5.read(raw, "foreground");
                    NdData dist = Hdf5.read(raw, "distances");
                    shape = fg.shape();
                    if (shape.length != 3 || !java.util.Arrays.equals(shape, dist.shape())) {
                        throw new CryosiamUserException(raw + ": 'foreground' and 'distances' must be 3-D volumes of "
                                + "one shape, found " + java.util.Arrays.toString(shape) + " and "
                                + java.util.Arrays.toString(dist.shape()) + ".");
                    }
                    foreground = fg.toFloatArray();
                    distances = dist.toFloatArray();
                    if (multicutBias.isPresent()) {
                        if (!Hdf5.hasDataset(raw, "boundaries")) {
                            throw new CryosiamUserException(raw + " has no 'boundaries' map, which postprocessing: "
                                    + "true needs; delete the file to predict again.");
                        }
                        NdData bd = Hdf5.read(raw, "boundaries");
                        if (!java.util.Arrays.equals(shape, bd.shape())) {
                            throw new CryosiamUserException(raw + ": 'boundaries' has shape "
                                    + java.util.Arrays.toString(bd.shape()) + ", 'foreground' "
                                    + java.util.Arrays.toString(shape) + ".");
                        }
                        boundaries = bd.toFloatArray();
                    }
                    log.info("reusing the raw predictions in " + raw + " (delete it to predict again)");
                } else {
                    DenseModel model = network.model();
                    NetworkPredictor predictor = network.predictor();
                    Path input = dataFolder.resolve(name);
                    Geometry geometry = Tomograms.geometry(input);
                    derived = Hdf5.Options.of(geometry);
                    try (PlaneReader tomogram = Preprocessing.standard(Tomograms.planes(input), model.intensity);
                         Hdf5.Stream rawFile = saveRaw ? Hdf5.stream(raw, rawDatasets(tomogram.shape()),
                                 new Hdf5.Options(geometry, float16), ctx.outputs()) : null) {
                        shape = tomogram.shape();
                        int n = Math.multiplyExact(Math.multiplyExact(shape[0], shape[1]), shape[2]);
                        byte[] mask = maskFolder.isEmpty() ? null : LamellaMask.load(Path.of(maskFolder), stem, shape);
                        // only the maps the post-processing reads are kept whole; the others are streamed out
                        float[] fg = semanticFolder.isEmpty() ? new float[n] : null;
                        float[] dist = new float[n];
                        float[] bd = multicutBias.isPresent() ? new float[n] : null;
                        float[][] kept = {fg, dist, bd};
                        long keptBytes = 0;
                        for (float[] k : kept) {
                            keptBytes += k == null ? 0 : 4L * n;
                        }
                        int batch = model.batchFor(ctx, predictor, shape, 3, keptBytes);
                        SlidingWindow.run(tomogram, model.patchSize, batch, predictor, null,
                                SlidingWindow.progress(ctx.progress(), name, shape, model.patchSize), (z0, z1, maps) -> {
                                    long at = (long) z0 * shape[1] * shape[2];
                                    for (int k = 0; k < 3; k++) {
                                        if (mask != null) {
                                            LamellaMask.apply(maps[k], mask, at);
                                        }
                                        if (kept[k] != null) {
                                            System.arraycopy(maps[k], 0, kept[k], (int) at, maps[k].length);
                                        }
                                        if (rawFile != null) {
                                            rawFile.write(RAW_MAPS.get(k), at,
                                                    NdData.float32(maps[k], maps[k].length));
                                        }
                                    }
                                });
                        if (rawFile != null) {
                            rawFile.finish();
                            log.info("wrote " + raw);
                        }
                        foreground = fg;
                        distances = dist;
                        boundaries = bd;
                    }
                }
                if (!semanticFolder.isEmpty()) {
                    foreground = semanticForeground(Path.of(semanticFolder).resolve(stem + "_preds.h5"),
                            semanticLabels, shape);
                }
                long t0 = System.nanoTime();
                int[] instances = InstancePostprocessing.segment(foreground, distances, shape[0], shape[1], shape[2],
                        params);
                if (multicutBias.isPresent()) {
                    long t1 = System.nanoTime();
                    instances = InstancePostprocessing.multicutMerge(instances, boundaries, shape[0], shape[1],
                            shape[2], multicutBias.getAsDouble());
                    log.info(String.format("%s: multicut merge %.2f s", name, (System.nanoTime() - t1) / 1e9));
                }
                List<RegionProps.Region> regions = RegionProps.of(instances, shape[0], shape[1], shape[2]);
                log.info(String.format("%s: %d instances, post-processing %.2f s", name, regions.size(),
                        (System.nanoTime() - t0) / 1e9));
                Path h5 = outFolder.resolve(stem + "_instance_preds.h5");
                Hdf5.write(h5, "instances", NdData.uint32(instances, shape), derived, ctx.outputs());
                log.info("wrote " + h5);
                Path csv = outFolder.resolve(stem + "_instance_regions.csv");
                Csv.write(csv, RegionTables.of(regions), Csv.Dialect.PYTHON_CSV, ctx.outputs());
                log.info("wrote " + csv);
            });
        }
    }

    @Override
    public boolean skipsFinished() {
        return true;
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
                model = DenseModel.load(ctx, cfg, ModelKind.INSTANCE, "instance_predict");
                predictor = new NetworkPredictor(model.network, 3, InstancePredictCommand::maps);
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
    static InstancePostprocessing.Parameters parameters(Config cfg) {
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
        if (!java.util.Arrays.equals(l.shape(), shape)) {
            throw new CryosiamUserException(file + ": labels have shape " + java.util.Arrays.toString(l.shape())
                    + ", the instance maps " + java.util.Arrays.toString(shape) + ".");
        }
        double[] v = l.toDoubleArray();
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = labels.contains(v[i]) ? 1f : 0f;
        }
        return out;
    }

    }
