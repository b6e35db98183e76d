package org.cryosiam;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {
    @Test
    void versionAndHelpSucceed() {
        assertEquals(0, Main.run("--version"));
        assertEquals(0, Main.run("--help"));
    }

    @Test
    void unknownCommandIsAUsageError() {
        assertEquals(2, Main.run("no_such_command"));
    }
}
