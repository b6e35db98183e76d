package org.cryosiam.commands;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.cryosiam.Main;
import org.cryosiam.nn.Devices;
import org.cryosiam.nn.FlopCounter;
import org.cryosiam.nn.Network;
import org.cryosiam.nn.Networks;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv3d;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cryosiam benchmark}: dense-network throughput on this machine, set against the roofline of a plain
 * convolution measured in the same run, so the ratio says how much of the machine the network uses.
 */
@Command(name = "benchmark", mixinStandardHelpOptions = true,
        description = "Measure dense-network throughput (patches/s, GFLOP/s) against a plain 64->64 3^3 convolution.")
public final class BenchmarkCommand implements Callable<Integer> {
    @Option(names = "--patch", defaultValue = "64", description = "Cubic patch size (default ${DEFAULT-VALUE}).")
    int patch;

    @Option(names = "--batches", split = ",", defaultValue = "1,2", description = "Batch sizes (default ${DEFAULT-VALUE}).")
    List<Integer> batches;

    @Option(names = "--seconds", defaultValue = "10", description = "Time per measurement (default ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--block_type", defaultValue = "bottleneck", description = "basic or bottleneck (default ${DEFAULT-VALUE}).")
    String blockType;

    @Option(names = "--num_layers", split = ",", defaultValue = "3,4,6,3",
            description = "Blocks per ResNet layer (default ${DEFAULT-VALUE}, the ResNet-50 layout).")
    List<Integer> numLayers;

    @Override
    public Integer call() {
        PrintStream out = System.out;
        Device device = Devices.chosen(Main.GlobalOptions.device);
        Map<String, Object> network = new java.util.LinkedHashMap<>();
        network.put("block_type", blockType);
        network.put("num_layers", numLayers);
        network.put("num_filters", List.of(64, 128, 256, 512));
        network.put("in_channels", 1);
        network.put("no_max_pool", true);
        network.put("spatial_dims", 3);
        network.put("fpn_channels", 128);
        network.put("dim", 512);
        network.put("pred_dim", 256);
        network.put("dense_dim", 64);
        network.put("dense_pred_dim", 32);
        Map<String, Object> config = Map.of("parameters", Map.of("network", network));
        out.printf("device %s, %d threads; backbone %s %s, num_filters %s, fpn_channels 128, dense_dim 64, "
                + "random weights; %d^3 patches%n", Devices.name(device), Runtime.getRuntime().availableProcessors(), blockType,
                network.get("num_layers"), network.get("num_filters"), patch);

        double roofline = convolutionGflops(device);
        out.printf("roofline: plain 64->64 3^3 convolution on a 64^3 volume: %.1f GFLOP/s%n", roofline);
        try (Network net = Networks.randomBackbone(config, device, 42);
             NDManager m = NDManager.newBaseManager(device)) {
            for (int batch : batches) {
                NDArray x = m.randomNormal(new Shape(batch, 1, patch, patch, patch));
                long flops = FlopCounter.count(() -> net.forward(x, m).values().forEach(NDArray::close));
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
                    out.printf("batch %d, %-27s %.3f patches/s, %.1f GFLOP per patch, %.1f GFLOP/s = %.2f x roofline"
                            + " (%d runs)%n", batch, k == 1 ? "BatchNorm folded (default):" : "BatchNorm separate:",
                            batch / r.secondsPerCall, flops / 1e9 / batch, gflops, gflops / roofline, r.calls);
                }
                out.printf("batch %d: folding speed-up %.2f x%n", batch, rates[0].secondsPerCall / rates[1].secondsPerCall);
            }
        }
        return 0;
    }

    private double convolutionGflops(Device device) {
        try (NDManager m = NDManager.newBaseManager(device)) {
            NDArray x = m.randomNormal(new Shape(1, 64, 64, 64, 64));
            NDArray w = m.randomNormal(new Shape(64, 64, 3, 3, 3));
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
