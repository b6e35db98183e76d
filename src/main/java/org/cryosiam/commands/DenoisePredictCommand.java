package org.cryosiam.commands;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.cryosiam.checkpoint.ModelKind;
import org.cryosiam.config.Config;
import org.cryosiam.inference.NetworkPredictor;
import org.cryosiam.inference.Preprocessing;
import org.cryosiam.inference.SlidingWindow;
import org.cryosiam.io.Geometry;
import org.cryosiam.io.Hdf5;
import org.cryosiam.io.InputFiles;
import org.cryosiam.io.NdData;
import org.cryosiam.volume.Volume;
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
                Geometry geometry = Tomograms.geometry(dataFolder.resolve(name));
                Volume tomogram = Tomograms.read(dataFolder.resolve(name));
                Preprocessing.denoise(tomogram, model.intensity);
                Volume denoised = SlidingWindow.run(tomogram, model.patchSize, model.batchSize, predictor, null,
                        SlidingWindow.progress(ctx.progress(), name, tomogram, model.patchSize))[0];
                if (scale) {
                    scaleToUnitRange(denoised.data());
                }
                String stem = InputFiles.stem(name, ext);
                if (saveRaw) {
                    Path h5 = outFolder.resolve(stem + "_preds.h5");
                    Hdf5.write(h5, "preds", NdData.float32(denoised.data(), 1, denoised.nz(), denoised.ny(), denoised.nx()),
                            new Hdf5.Options(geometry, float16), ctx.outputs());
                    log.info("wrote " + h5);
                }
                Path mrc = outFolder.resolve(stem + ext);
                Tomograms.write(mrc, NdData.float32(denoised.data(), denoised.shape()), geometry, commandName(),
                        float16, ctx.outputs());
                log.info("wrote " + mrc);
            });
        }
    }

    @Override
    public boolean skipsFinished() {
        return true;
    }

    /** {@code (x - min) / (max - min)} over the whole volume, in float32 as the reference's numpy does. */
    static void scaleToUnitRange(float[] x) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float v : x) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        float range = max - min;
        for (int i = 0; i < x.length; i++) {
            x[i] = (x[i] - min) / range;
        }
    }
}
