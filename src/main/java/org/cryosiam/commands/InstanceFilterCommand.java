package org.cryosiam.commands;

import org.cryosiam.workflow.InstanceFilter;
import org.cryosiam.workflow.Step;
import picocli.CommandLine.Command;

/** {@code cryosiam instance_filter}: {@link InstanceFilter}. */
@Command(name = InstanceFilter.NAME, mixinStandardHelpOptions = true,
        description = "Keep the instances of instance_predict that touch the (expanded) voxels of chosen labels of a "
                + "semantic prediction or mask; writes to <prediction_folder>_filtered/.")
public final class InstanceFilterCommand extends ConfigCommand {
    @Override
    protected Step step() {
        return InstanceFilter.STEP;
    }
}
