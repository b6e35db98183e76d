package org.cryosiam.commands;

import org.cryosiam.workflow.InstancePrediction;
import org.cryosiam.workflow.Step;
import picocli.CommandLine.Command;

/** {@code cryosiam instance_predict}: {@link InstancePrediction}. */
@Command(name = InstancePrediction.NAME, mixinStandardHelpOptions = true,
        description = {"Instance segmentation with a CryoSiam instance checkpoint: dense prediction of foreground, "
                + "distance and boundary maps, then markers by distance thresholds and a watershed; with "
                + "postprocessing: true and boundary_bias < 1, watershed regions merged by a multicut on the "
                + "boundary map.",
                "An existing <stem>_preds.h5 in prediction_folder is reused instead of running the network (not "
                        + "with --overwrite), so re-running with new thresholds is quick."})
public final class InstancePredictCommand extends ConfigCommand {
    @Override
    protected Step step() {
        return InstancePrediction.STEP;
    }
}
