package org.cryosiam.commands;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.cryosiam.demo.Demo;
import org.cryosiam.run.RunContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cryosiam demo}: the whole workflow on a synthetic tomogram, with the configs a user would write and an
 * HTML report ({@link Demo}).
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run the whole workflow on a synthetic tomogram: denoise, lamella, semantic segmentation, "
                + "particle centres, instances, embeddings, clustering and the embedding plot, with the same commands "
                + "and configs you would use. Writes the configs to DIR/configs and a report with the quality against "
                + "the phantom's ground truth and the time per step to DIR/report.html.",
                "An existing DIR must be empty or an earlier demo's output (whose files are replaced)."})
public final class DemoCommand implements Callable<Integer>, RunContext.Receiver {
    @Option(names = "--out", paramLabel = "DIR", defaultValue = "cryosiam-demo",
            description = "Output folder (default: ${DEFAULT-VALUE} in the current directory).")
    Path out;

    @Option(names = "--size", paramLabel = "SIZE", defaultValue = "default",
            description = "Phantom size: small (40x72x72 voxels) or default (88x152x152).")
    String size;

    @Option(names = "--models", paramLabel = "DIR",
            description = "Folder with denoise.ckpt, lamella.ckpt, semantic.ckpt, particles.ckpt, instance.ckpt and "
                    + "embeddings.ckpt (default: the models bundled in the jar).")
    Path models;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the phantom (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--phantom-only", description = "Write only the phantom (tomograms/ and truth/), run nothing: "
            + "training data for the demo models.")
    boolean phantomOnly;

    private RunContext ctx;

    @Override
    public void use(RunContext context) {
        ctx = context;
    }

    @Override
    public Integer call() throws Exception {
        Demo.Size s = Demo.Size.parse(size);
        try {
            Demo demo = new Demo(out, models, s.spec(seed), ctx);
            if (phantomOnly) {
                demo.phantomOnly();
                return 0;
            }
            Demo.Outcome o = demo.run();
            ctx.log().info(String.join("\n", Demo.summary(o)));
            return 0;
        } catch (Demo.StepFailed e) {
            ctx.err().println("cryosiam demo: " + e.getMessage());
            ctx.err().flush();
            return e.exitCode();
        }
    }
}
