package org.cryosiam;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Assumptions;

/**
 * Where the shared golden cases live: {@code ../shared/fixtures} beside the project checkout (another folder with
 * {@code -Dcryosiam.fixtures=PATH}).
 *
 * <p>A missing fixtures folder fails the calling test, so that a CI run without the golden cases cannot pass by
 * skipping them. Set {@code -Dcryosiam.fixtures.optional=true} to skip those tests instead (a checkout without the
 * shared folder).
 */
public final class Fixtures {
    /** The system property that turns a missing fixtures folder from a failure into a skip. */
    public static final String OPTIONAL_PROPERTY = "cryosiam.fixtures.optional";

    private Fixtures() {
    }

    /** The fixtures folder; fails the calling test with a clear message when it is absent, unless opted out. */
    public static Path root() {
        Path p = Path.of(System.getProperty("cryosiam.fixtures", "../shared/fixtures")).toAbsolutePath().normalize();
        if (!Files.isDirectory(p)) {
            String msg = "fixtures not found at " + p + " (expected ../shared/fixtures beside the checkout, or "
                    + "-Dcryosiam.fixtures=PATH)";
            if (Boolean.getBoolean(OPTIONAL_PROPERTY)) {
                Assumptions.abort(msg + "; skipped because -D" + OPTIONAL_PROPERTY + "=true");
            }
            throw new IllegalStateException(msg + "; set -D" + OPTIONAL_PROPERTY + "=true to skip these tests instead");
        }
        return p;
    }

    /** The {@code pipeline_small} case. */
    public static Path pipelineSmall() {
        return root().resolve("pipeline_small");
    }
}
