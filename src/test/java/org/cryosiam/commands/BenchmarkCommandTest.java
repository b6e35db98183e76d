package org.cryosiam.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.cryosiam.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark times the whole denoise_predict command (and, with --network-only, both BatchNorm modes of the
 * network) and reports FLOPs, rates, the roofline ratio and peak RSS (no timing asserted).
 */
class BenchmarkCommandTest {
    @TempDir
    Path dir;

    private static String run(int expectedExit, String... args) {
        CliRun r = CliRun.run(args);
        assertEquals(expectedExit, r.code(), r.out() + r.err());
        return r.out();
    }

    @Test
    void timesTheWholeCommandOnAGeneratedCase() {
        String out = run(0, "--device", "cpu", "--quiet", "benchmark", "--size", "16,20,24", "--patch", "16",
                "--batch", "2", "--seconds", "0", "--block_type", "basic", "--num_layers", "1,1,1,1",
                "--precisions", "fp32", "--keep", dir.toString());
        // the command runs in a JVM of its own, so the peak RSS is that process's (issue 28, item 15)
        assertTrue(out.matches("(?s).*float32: denoise_predict of a 16x20x24 tomogram, \\d+ patches, batch 2, in a "
                + "process of its own: .* s, .* patches/s, .* GFLOP/s = .* x roofline, peak RSS [0-9.]+ GB \\(the "
                + "process's, as /usr/bin/time -v gives it\\).*"), out);
        assertTrue(out.matches("(?s).*, (?!0\\.0 )[0-9.]+ GFLOP/s.*"), "the child counted its FLOPs: " + out);
        assertTrue(Files.exists(dir.resolve("denoised/tomogram.mrc")), "the command wrote its output");
        assertTrue(Files.exists(dir.resolve("denoise.yaml")) && Files.exists(dir.resolve("model.ckpt")));
    }

    @Test
    void networkOnlyReportsBothModesAgainstTheRoofline() {
        String out = run(0, "--device", "cpu", "benchmark", "--network-only", "--patch", "16", "--batches", "1",
                "--seconds", "0", "--block_type", "basic", "--num_layers", "1,1,1,1");
        assertTrue(out.contains("roofline: plain 64->64 3^3 float32 convolution"), out);
        assertTrue(out.contains("BatchNorm separate:") && out.contains("BatchNorm folded (default):"), out);
        assertTrue(out.matches("(?s).*GFLOP per patch.*folding speed-up [0-9.]+ x.*"), out);
    }

    @Test
    void aBadDeviceIsAUserError() {
        assertEquals(2, CliRun.run("--device", "tpu:3", "benchmark", "--seconds", "0").code());
        assertEquals(2, CliRun.run("--precision", "fp16", "benchmark", "--seconds", "0").code());
    }
}
