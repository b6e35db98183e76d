package org.cryosiam.commands;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.cryosiam.checkpoint.ModelKind;
import org.cryosiam.config.Config;
import org.cryosiam.inference.NetworkPredictor;
import org.cryosiam.inference.Preprocessing;
import org.cryosiam.io.Tomograms;
import org.cryosiam.log.Progress;
import org.cryosiam.inference.SlidingWindow;
import org.cryosiam.io.ElementType;
import org.cryosiam.io.Geometry;
import org.cryosiam.io.Hdf5;
import org.cryosiam.io.InputFiles;
import org.cryosiam.io.NdData;
import org.cryosiam.io.PlaneReader;
import org.cryosiam.io.ScratchFile;
import org.cryosiam.workflow.DenseModel;
import picocli.CommandLine.Command;

/** {@code cryosiam denoise_predict}: denoise tomograms with a CryoSiam denoising model. */
@Command(name = "denoise_predict", mixinStandardHelpOptions = true,
        description = "Denoise tomograms with a CryoSiam denoising checkpoint (e.g. cryosiam_denoising.ckpt).")
public final class DenoisePredictCommand extends ConfigCommand {
    @Override
    protected void run(Config cfg) {
        Path dataFolder = cfg.path("data_folder");
        Path outFolder = cfg.path("prediction_folder");
        String ext = cfg.string("file_extension");
        boolean saveRaw = cfg.bool("save_raw_predictions", false);
        boolean scale = cfg.bool("scale_prediction", false);
        boolean float16 = cfg.bool("save_float16", false);
        List<String> all = inputFiles(cfg, "data_folder");
        refuseOverwritingInputs(dataFolder, all, ext, outFolder, ext, "_preds.h5");
        noteModel(cfg);
        List<String> files = unfinished(all, ext, name -> {
            String stem = InputFiles.stem(name, ext);
            List<Path> out = new ArrayList<>(List.of(outFolder.resolve(stem + ext)));
            if (saveRaw) {
                out.add(0, outFolder.resolve(stem + "_preds.h5"));
            }
            return out;
        });
        if (files.isEmpty()) {
            return;
        }
        try (DenseModel model = DenseModel.load(ctx, cfg, ModelKind.DENOISING, "denoise_predict");
             NetworkPredictor predictor = NetworkPredictor.rawHead(model.network, "denoise", 1)) {
            forEachInput(files, name -> {
                Path input = dataFolder.resolve(name);
                Geometry geometry = Tomograms.geometry(input);
                String stem = InputFiles.stem(name, ext);
                Path h5 = outFolder.resolve(stem + "_preds.h5");
                Path mrc = outFolder.resolve(stem + ext);
                try (PlaneReader tomogram = Preprocessing.denoise(Tomograms.planes(input), model.intensity)) {
                    int[] shape = tomogram.shape();
                    int plane = shape[1] * shape[2];
                    try (Hdf5.Stream raw = saveRaw ? Hdf5.stream(h5, Map.of("preds",
                            new Hdf5.DatasetSpec(ElementType.FLOAT32, 1, shape[0], shape[1], shape[2])),
                            new Hdf5.Options(geometry, float16), ctx.outputs()) : null;
                         Tomograms.Output denoised = Tomograms.output(mrc, shape, ElementType.FLOAT32, geometry,
                                 commandName(), float16, ctx.outputs())) {
                        SlidingWindow.SlabSink write = (z0, z1, maps) -> {
                            NdData slab = NdData.float32(maps[0], maps[0].length);
                            if (raw != null) {
                                raw.write("preds", (long) z0 * plane, slab);
                            }
                            denoised.append(slab);
                        };
                        Progress progress = SlidingWindow.progress(ctx.progress(), name, shape, model.patchSize);
                        int batch = model.batchFor(ctx, predictor, shape, 1, 0);
                        if (scale) {
                            predictScaled(tomogram, model.patchSize, batch, predictor, progress, mrc, write);
                        } else {
                            SlidingWindow.run(tomogram, model.patchSize, batch, predictor, null, progress, write);
                        }
                        if (raw != null) {
                            raw.finish();
                            log.info("wrote " + h5);
                        }
                        denoised.finish();
                        log.info("wrote " + mrc);
                    }
                }
            });
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
                scratch.read((long) z * plane, one[0]);
                for (int i = 0; i < plane; i++) {
                    one[0][i] = (one[0][i] - min) / span;
                }
                write.accept(z, z + 1, one);
            }
        }
    }

    @Override
    public boolean skipsFinished() {
        return true;
    }
}
