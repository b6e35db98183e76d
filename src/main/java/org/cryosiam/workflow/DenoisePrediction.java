package org.cryosiam.workflow;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.cryosiam.Interrupts;
import org.cryosiam.checkpoint.ModelKind;
import org.cryosiam.config.Config;
import org.cryosiam.inference.NetworkPredictor;
import org.cryosiam.inference.Preprocessing;
import org.cryosiam.inference.SlidingWindow;
import org.cryosiam.io.ElementType;
import org.cryosiam.io.Geometry;
import org.cryosiam.io.Hdf5;
import org.cryosiam.io.InputFiles;
import org.cryosiam.io.NdData;
import org.cryosiam.io.PlaneReader;
import org.cryosiam.io.ScratchFile;
import org.cryosiam.io.Tomograms;
import org.cryosiam.log.Progress;

/**
 * {@code denoise_predict}: each tomogram through a CryoSiam denoising model, written as {@code <stem><ext>} (and the
 * raw maps as {@code <stem>_preds.h5} with {@code save_raw_predictions}).
 */
public final class DenoisePrediction {
    public static final String NAME = "denoise_predict";
    public static final Step STEP = Step.of(NAME,
            (cfg, run) -> new DenoisePrediction(Settings.from(cfg), run).run()).skippingFinished();

    /**
     * What the step reads from its config.
     *
     * @param config the config itself, for the input list and the model
     */
    public record Settings(Config config, Path dataFolder, Path outFolder, String ext, boolean saveRaw,
                           boolean scale, boolean float16) {
        public static Settings from(Config cfg) {
            return new Settings(cfg, cfg.path("data_folder"), cfg.path("prediction_folder"),
                    cfg.string("file_extension"), cfg.bool("save_raw_predictions", false),
                    cfg.bool("scale_prediction", false), cfg.bool("save_float16", false));
        }
    }

    private final Settings settings;
    private final StepRun run;

    public DenoisePrediction(Settings settings, StepRun run) {
        this.settings = settings;
        this.run = run;
    }

    public void run() {
        Config cfg = settings.config();
        List<String> all = run.inputFiles(cfg, "data_folder");
        StepRun.refuseOverwritingInputs(settings.dataFolder(), all, settings.ext(), settings.outFolder(),
                settings.ext(), "_preds.h5");
        run.noteModel(cfg);
        List<String> files = run.unfinished(all, settings.ext(), name -> {
            String stem = InputFiles.stem(name, settings.ext());
            List<Path> out = new ArrayList<>(List.of(settings.outFolder().resolve(stem + settings.ext())));
            if (settings.saveRaw()) {
                out.add(0, settings.outFolder().resolve(stem + "_preds.h5"));
            }
            return out;
        });
        if (files.isEmpty()) {
            return;
        }
        try (DenseModel model = DenseModel.load(run.context(), cfg, ModelKind.DENOISING, NAME);
             NetworkPredictor predictor = NetworkPredictor.rawHead(model.network, "denoise", 1)) {
            run.forEachInput(files, name -> denoise(model, predictor, name));
        }
    }

    /** One tomogram, streamed through the network into its output files. */
    private void denoise(DenseModel model, NetworkPredictor predictor, String name) {
        Path input = settings.dataFolder().resolve(name);
        Geometry geometry = Tomograms.geometry(input);
        String stem = InputFiles.stem(name, settings.ext());
        Path h5 = settings.outFolder().resolve(stem + "_preds.h5");
        Path mrc = settings.outFolder().resolve(stem + settings.ext());
        // planned from the header before any voxel is read: a tomogram that cannot fit is refused at once
        int[] shape = Tomograms.shape(input);
        int batch = model.batchFor(run.context(), predictor, input, shape, 1, 0,
                Tomograms.readerBytes(input) + Tomograms.outputBytes(mrc, shape, ElementType.FLOAT32));
        try (PlaneReader tomogram = Preprocessing.denoise(Tomograms.planes(input), model.intensity)) {
            int plane = shape[1] * shape[2];
            try (Hdf5.Stream raw = settings.saveRaw() ? Hdf5.stream(h5, Map.of("preds",
                    new Hdf5.DatasetSpec(ElementType.FLOAT32, 1, shape[0], shape[1], shape[2])),
                    new Hdf5.Options(geometry, settings.float16()), run.outputs()) : null;
                 Tomograms.Output denoised = Tomograms.output(mrc, shape, ElementType.FLOAT32, geometry, NAME,
                         settings.float16(), run.outputs())) {
                SlidingWindow.SlabSink write = (z0, z1, maps) -> {
                    NdData slab = NdData.float32(maps[0], maps[0].length);
                    if (raw != null) {
                        raw.write("preds", (long) z0 * plane, slab);
                    }
                    denoised.append(slab);
                };
                Progress progress = SlidingWindow.progress(run.context().progress(), name, shape, model.patchSize);
                if (settings.scale()) {
                    predictScaled(tomogram, model.patchSize, batch, predictor, progress, mrc, write);
                } else {
                    SlidingWindow.run(tomogram, model.patchSize, batch, predictor, null, progress, write);
                }
                if (raw != null) {
                    raw.finish();
                    run.log().info("wrote " + h5);
                }
                denoised.finish();
                run.log().info("wrote " + mrc);
            }
        }
    }

    /**
     * {@code scale_prediction}: {@code (x - min) / (max - min)} over the whole volume, in float32 as the reference's
     * numpy does. The raw maps wait in a scratch file until the minimum and maximum are known.
     */
    private static void predictScaled(PlaneReader tomogram, int[] patchSize, int batch, NetworkPredictor predictor,
            Progress progress, Path near, SlidingWindow.SlabSink write) {
        int[] shape = tomogram.shape();
        int plane = shape[1] * shape[2];
        float[] range = {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        try (ScratchFile scratch = new ScratchFile(near)) {
            SlidingWindow.run(tomogram, patchSize, batch, predictor, null, progress, (z0, z1, maps) -> {
                for (float v : maps[0]) {
                    range[0] = Math.min(range[0], v);
                    range[1] = Math.max(range[1], v);
                }
                scratch.append(maps[0], maps[0].length);
            });
            float min = range[0];
            float span = range[1] - range[0];
            float[][] one = {new float[plane]};
            for (int z = 0; z < shape[0]; z++) {
                int planes = z;
                Interrupts.check(() -> planes + "/" + shape[0] + " scaled planes of " + near.getFileName());
                scratch.read((long) z * plane, one[0]);
                for (int i = 0; i < plane; i++) {
                    one[0][i] = (one[0][i] - min) / span;
                }
                write.accept(z, z + 1, one);
            }
        }
    }
}
