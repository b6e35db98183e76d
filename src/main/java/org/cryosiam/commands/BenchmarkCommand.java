package org.cryosiam.commands;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.inference.GridTiler;
import org.cryosiam.nn.Bf16;
import org.cryosiam.nn.Devices;
import org.cryosiam.nn.FlopCounter;
import org.cryosiam.nn.Network;
import org.cryosiam.nn.Networks;
import org.cryosiam.nn.Precision;
import org.cryosiam.run.RunContext;
import org.cryosiam.workflow.BenchmarkCase;
import org.cryosiam.workflow.PeakRss;
import org.cryosiam.workflow.WholeCommandReport;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv3d;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cryosiam benchmark}: what users run, timed. By default the whole {@code denoise_predict} command (reading,
 * tiling, batching, the network, stitching, writing) on a generated tomogram with a default-width model, through the
 * same code; with {@code --network-only}, the network alone on random patches. Both are set against the roofline of a
 * plain convolution measured in the same run, so the ratio says how much of the machine the network uses.
 */
@Command(name = "benchmark", mixinStandardHelpOptions = true,
        description = {"Time denoise_predict as users run it (read, tile, network, stitch, write) on a generated "
                + "tomogram with a random default-width model, and report patches/s, GFLOP/s, the fraction of a plain "
                + "64->64 3^3 convolution's rate (the roofline, measured in the same run) and peak RSS.",
                "--network-only times the network alone on random patches (BatchNorm folded and separate)."})
public final class BenchmarkCommand implements Callable<Integer>, RunContext.Receiver {
    private RunContext ctx;

    @Option(names = "--network-only", description = "Time the network alone on random patches, not the command.")
    boolean networkOnly;

    @Option(names = "--size", split = ",", defaultValue = "64,128,128",
            description = "Tomogram size z,y,x (default ${DEFAULT-VALUE}).")
    List<Integer> size;

    @Option(names = "--patch", defaultValue = "64", description = "Cubic patch size (default ${DEFAULT-VALUE}).")
    int patch;

    @Option(names = "--batch", defaultValue = "2", description = "Batch size of the command (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--precisions", split = ",", paramLabel = "TYPES",
            description = "Number types to time the command in (default: fp32, and bf16 where this machine has it).")
    List<String> precisions;

    @Option(names = "--keep", paramLabel = "DIR",
            description = "Write the case (model.ckpt, tomograms/, denoise.yaml, denoised/) into DIR and keep it, "
                    + "e.g. to time `cryosiam denoise_predict --config_file DIR/denoise.yaml` or another tool on it.")
    Path keep;

    @Option(names = "--batches", split = ",", defaultValue = "1,2",
            description = "With --network-only: batch sizes (default ${DEFAULT-VALUE}).")
    List<Integer> batches;

    @Option(names = "--seconds", defaultValue = "10",
            description = "With --network-only: time per measurement (default ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--block_type", defaultValue = "bottleneck", description = "basic or bottleneck (default ${DEFAULT-VALUE}).")
    String blockType;

    @Option(names = "--num_layers", split = ",", defaultValue = "3,4,6,3",
            description = "Blocks per ResNet layer (default ${DEFAULT-VALUE}, the ResNet-50 layout).")
    List<Integer> numLayers;

    @Override
    public void use(RunContext context) {
        ctx = context;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = ctx.out();
        Device device = Devices.chosen(ctx.device());
        out.printf("device %s, %d cores; backbone %s %s, num_filters [64, 128, 256, 512], fpn_channels 128, "
                + "dense_dim 64, random weights; %d^3 patches%n", Devices.name(device),
                Runtime.getRuntime().availableProcessors(), blockType, numLayers, patch);
        if (networkOnly) {
            double roofline = convolutionGflops(device, Precision.FP32);
            out.printf("roofline: plain 64->64 3^3 float32 convolution on a 64^3 volume: %.1f GFLOP/s%n", roofline);
            networkOnly(out, device, roofline);
        } else {
            wholeCommand(out, device);
        }
        return 0;
    }

    /** denoise_predict on the generated case, in this process, through its workflow's own code. */
    private void wholeCommand(PrintWriter out, Device device) throws Exception {
        if (size.size() != 3 || size.stream().anyMatch(v -> v < 1)) {
            throw new CryosiamUserException("--size needs three positive sizes z,y,x, got " + size + ".");
        }
        Path dir = keep != null ? keep : Files.createTempDirectory("cryosiam-benchmark");
        try {
            Path config = BenchmarkCase.write(dir, blockType, numLayers,
                    new int[] {size.get(0), size.get(1), size.get(2)}, patch, batch);
            int patches = new GridTiler(new int[] {size.get(0), size.get(1), size.get(2)},
                    new int[] {patch, patch, patch}).patchCount();
            for (Precision precision : precisions(device)) {
                double roofline = convolutionGflops(device, precision);
                out.printf("roofline: plain 64->64 3^3 %s convolution on a 64^3 volume: %.1f GFLOP/s%n",
                        precision.description(), roofline);
                WholeCommandReport r = inOwnProcess(config, device, precision);
                double gflops = r.flops() / r.seconds() / 1e9;
                out.printf("%s: denoise_predict of a %dx%dx%d tomogram, %d patches, batch %d, in a process of its own: "
                        + "%.1f s, %.3f patches/s, %.1f GFLOP/s = %.2f x roofline, peak RSS %s (the process's, as "
                        + "/usr/bin/time -v gives it)%n", precision.description(), size.get(0), size.get(1),
                        size.get(2), patches, batch, r.seconds(), patches / r.seconds(), gflops, gflops / roofline,
                        PeakRss.describe(r.peakKb()));
            }
        } finally {
            if (keep == null) {
                deleteTree(dir);
            }
        }
    }

    /**
     * Runs {@code cryosiam denoise_predict} on the case in a new JVM with this one's options, as a user runs it, so
     * that its peak memory is the command's alone (this process holds the roofline's buffers and the case's
     * generator). Its time is the command's, from the parsing of its arguments to its end: the JVM's start is left
     * out, as it is from any tool's own timing.
     */
    private WholeCommandReport inOwnProcess(Path config, Device device, Precision precision) throws Exception {
        Path report = Files.createTempFile("cryosiam-benchmark", ".txt");
        try {
            List<String> cmd = new java.util.ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), org.cryosiam.Main.class.getName(),
                    "--quiet", "--device", Devices.name(device), "--precision", precision.name().toLowerCase(
                            java.util.Locale.ROOT), "denoise_predict", "--config_file", config.toString(),
                    "--overwrite"));
            if (ctx.maxMemory() != null) {
                cmd.addAll(List.of("--max_memory", Long.toString(ctx.maxMemory())));
            }
            ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
            pb.environment().put(WholeCommandReport.ENV, report.toString());
            int code = pb.start().waitFor();
            if (code != 0) {
                throw new IllegalStateException("the timed denoise_predict exited with " + code);
            }
            return WholeCommandReport.read(report);
        } finally {
            Files.deleteIfExists(report);
        }
    }

    /** The --precisions asked for; by default float32, and bfloat16 when the device has it. */
    private List<Precision> precisions(Device device) {
        if (precisions != null) {
            List<Precision> out = precisions.stream().map(Precision::parse).toList();
            out.forEach(pr -> pr.requireSupport(device));
            return out;
        }
        try {
            Precision.BF16.requireSupport(device);
            return List.of(Precision.FP32, Precision.BF16);
        } catch (CryosiamUserException e) {
            return List.of(Precision.FP32);
        }
    }

    private void networkOnly(PrintWriter out, Device device, double roofline) {
        try (Network net = Networks.randomBackbone(BenchmarkCase.backboneConfig(blockType, numLayers), device, 42);
             NDManager m = NDManager.newBaseManager(device)) {
            for (int batch : batches) {
                NDArray x = m.randomNormal(new Shape(batch, 1, patch, patch, patch));
                FlopCounter counter = new FlopCounter();
                net.countFlops(counter);
                long flops = counter.count(() -> net.forward(x, m).values().forEach(NDArray::close));
                net.countFlops(null);
                // the two modes alternate call by call, so load from elsewhere hits both alike
                Rate[] rates = alternate(() -> {
                    net.setBatchNormFolding(false);
                    net.forward(x, m).values().forEach(NDArray::close);
                }, () -> {
                    net.setBatchNormFolding(true);
                    net.forward(x, m).values().forEach(NDArray::close);
                });
                for (int k = 0; k < 2; k++) {
                    Rate r = rates[k];
                    double gflops = flops / r.secondsPerCall / 1e9;
                    out.printf("network only, batch %d, %-27s %.3f patches/s, %.1f GFLOP per patch, %.1f GFLOP/s = "
                            + "%.2f x roofline (%d runs)%n", batch, k == 1 ? "BatchNorm folded (default):"
                            : "BatchNorm separate:", batch / r.secondsPerCall, flops / 1e9 / batch, gflops,
                            gflops / roofline, r.calls);
                }
                out.printf("batch %d: folding speed-up %.2f x%n", batch, rates[0].secondsPerCall / rates[1].secondsPerCall);
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** GFLOP/s of a plain 64→64 3³ convolution of a 64³ volume, in the given number type. */
    private double convolutionGflops(Device device, Precision precision) {
        try (NDManager m = NDManager.newBaseManager(device);
             Bf16 bf16 = precision == Precision.BF16 ? Bf16.load(NDManager.newBaseManager(device)) : null) {
            NDArray x32 = m.randomNormal(new Shape(1, 64, 64, 64, 64));
            NDArray w32 = m.randomNormal(new Shape(64, 64, 3, 3, 3));
            NDArray x = bf16 == null ? x32 : bf16.toBf16(x32);
            NDArray w = bf16 == null ? w32 : bf16.toBf16(w32);
            Shape one = new Shape(1, 1, 1);
            Rate r = measure(() -> Conv3d.conv3d(x, w, null, one, one, one, 1).singletonOrThrow().close());
            double flops = 2.0 * 64 * 64 * 27 * 64 * 64 * 64;
            return flops / r.secondsPerCall / 1e9;
        }
    }

    private record Rate(double secondsPerCall, int calls) {
    }

    /** Both calls warmed up, then called in turn until {@code 2·seconds} have passed (at least 3 each). */
    private Rate[] alternate(Runnable a, Runnable b) {
        a.run();
        b.run();
        long[] spent = new long[2];
        int calls = 0;
        long start = System.nanoTime();
        do {
            long t0 = System.nanoTime();
            a.run();
            long t1 = System.nanoTime();
            b.run();
            spent[0] += t1 - t0;
            spent[1] += System.nanoTime() - t1;
            calls++;
        } while (calls < 3 || System.nanoTime() - start < 2 * seconds * 1e9);
        return new Rate[] {new Rate(spent[0] / 1e9 / calls, calls), new Rate(spent[1] / 1e9 / calls, calls)};
    }

    /** One warm-up call, then calls until {@code seconds} have passed (at least 3). */
    private Rate measure(Runnable call) {
        call.run();
        int calls = 0;
        long start = System.nanoTime();
        long elapsed;
        do {
            call.run();
            calls++;
            elapsed = System.nanoTime() - start;
        } while (calls < 3 || elapsed < seconds * 1e9);
        return new Rate(elapsed / 1e9 / calls, calls);
    }
}
