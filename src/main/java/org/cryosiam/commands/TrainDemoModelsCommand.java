package org.cryosiam.commands;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.cryosiam.demo.Demo;
import org.cryosiam.demo.DemoTraining;
import org.cryosiam.nn.Devices;
import org.cryosiam.run.RunContext;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cryosiam train_demo_models}: trains the models {@code cryosiam demo} bundles ({@link DemoTraining}); run
 * by {@code scripts/train-demo-models.sh}, which copies them into the jar's resources.
 */
@Command(name = "train_demo_models", mixinStandardHelpOptions = true,
        description = {"Train the six small demo models from scratch on synthetic phantoms (seeds 101...) and write "
                + "them to DIR/models; the demo tomogram (seed 1) is never seen. Takes about an hour on 2 CPU cores.",
                "Maintainers run it through scripts/train-demo-models.sh to refresh the models bundled in the jar."})
public final class TrainDemoModelsCommand implements Callable<Integer>, RunContext.Receiver {
    private RunContext ctx;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "demo-training",
            description = "Working folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--phantoms", defaultValue = "6", description = "Training phantoms, the last validates "
            + "(default: ${DEFAULT-VALUE}).")
    int phantoms;

    @Option(names = "--size", defaultValue = "default", description = "Phantom size: small or default.")
    String size;

    @Option(names = "--patches", defaultValue = "480", description = "Training patches (32^3) per dense model "
            + "(default: ${DEFAULT-VALUE}).")
    int patches;

    @Option(names = "--epochs", defaultValue = "6", description = "Epochs per dense model (default: "
            + "${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--embedding-epochs", defaultValue = "40", description = "Epochs of the SimSiam model "
            + "(default: ${DEFAULT-VALUE}).")
    int embeddingEpochs;

    @Override
    public void use(RunContext context) {
        ctx = context;
    }

    @Override
    public Integer call() throws Exception {
        if (phantoms < 2 || patches < 40 || epochs < 1 || embeddingEpochs < 1) {
            throw new org.cryosiam.CryosiamUserException("train_demo_models needs --phantoms >= 2, --patches >= 40 "
                    + "and at least one epoch.");
        }
        Demo.Size s = Demo.Size.parse(size);
        long t0 = System.nanoTime();
        DemoTraining.Settings settings = new DemoTraining.Settings(phantoms, s, patches, epochs, embeddingEpochs,
                101);
        DemoTraining.Result r = new DemoTraining(out, settings, Devices.chosen(ctx.device()),
                ctx, ctx.log()::info).run();
        for (String line : r.summary()) {
            ctx.out().println(line);
        }
        ctx.out().printf("models in %s (%.1f min)%n", r.models(), (System.nanoTime() - t0) / 60e9);
        ctx.out().flush();
        return 0;
    }
}
