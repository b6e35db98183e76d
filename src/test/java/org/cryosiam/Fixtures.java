package org.cryosiam;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Assumptions;

/** Where the shared golden cases live: {@code ../shared/fixtures} beside the project checkout. */
public final class Fixtures {
    private Fixtures() {
    }

    /** The fixtures folder; skips the calling test with a clear message only when it is absent. */
    public static Path root() {
        Path p = Path.of(System.getProperty("cryosiam.fixtures", "../shared/fixtures")).toAbsolutePath().normalize();
        Assumptions.assumeTrue(Files.isDirectory(p), "fixtures not found at " + p + " (expected ../shared/fixtures)");
        return p;
    }

    /** The {@code pipeline_small} case. */
    public static Path pipelineSmall() {
        return root().resolve("pipeline_small");
    }
}
