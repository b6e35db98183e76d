package org.cryosiam.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.cryosiam.Main;
import org.junit.jupiter.api.Test;

/** The benchmark runs both BatchNorm modes and reports FLOPs, rates and the roofline ratio (no timing asserted). */
class BenchmarkCommandTest {
    @Test
    void reportsBothModesAgainstTheRoofline() {
        PrintStream saved = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        int rc;
        try {
            rc = Main.run("--device", "cpu", "benchmark", "--patch", "16", "--batches", "1", "--seconds", "0",
                    "--block_type", "basic", "--num_layers", "1,1,1,1");
        } finally {
            System.setOut(saved);
        }
        String out = buf.toString(StandardCharsets.UTF_8);
        assertEquals(0, rc, out);
        assertTrue(out.contains("roofline: plain 64->64 3^3 convolution"), out);
        assertTrue(out.contains("BatchNorm separate:") && out.contains("BatchNorm folded (default):"), out);
        assertTrue(out.matches("(?s).*GFLOP per patch.*folding speed-up [0-9.]+ x.*"), out);
    }

    @Test
    void aBadDeviceIsAUserError() {
        assertEquals(2, Main.run("--device", "tpu:3", "benchmark", "--seconds", "0"));
    }
}
