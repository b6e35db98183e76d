package org.cryosiam;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CliTest {
    @Test
    void versionAndHelpSucceed() {
        assertEquals(0, Main.run("--version"));
        assertEquals(0, Main.run("--help"));
    }

    @Test
    void unknownCommandIsAUsageError() { // messages: commands.CliMessagesTest
        assertEquals(2, Main.run("no_such_command"));
    }
}
