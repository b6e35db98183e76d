package org.cryosiam.demo;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** Issue 18: commands.sh calls the launcher by its absolute path, since cryosiam is not on PATH after the README. */
class DemoLauncherTest {
    @Test
    void theLauncherIsTheCheckoutsBinCryosiamByItsAbsolutePath() {
        String launcher = Demo.launcher();
        Path p = Path.of(launcher);
        assertTrue(p.isAbsolute() && p.endsWith(Path.of("bin", "cryosiam")), launcher);
        assertTrue(Files.isExecutable(p), launcher);
    }
}
