package org.cryosiam.commands;

import org.cryosiam.workflow.DenoisePrediction;
import org.cryosiam.workflow.Step;
import picocli.CommandLine.Command;

/** {@code cryosiam denoise_predict}: {@link DenoisePrediction}. */
@Command(name = DenoisePrediction.NAME, mixinStandardHelpOptions = true,
        description = "Denoise tomograms with a CryoSiam denoising checkpoint (e.g. cryosiam_denoising.ckpt).")
public final class DenoisePredictCommand extends ConfigCommand {
    @Override
    protected Step step() {
        return DenoisePrediction.STEP;
    }
}
