package org.cryosiam.ops;

import java.util.Random;

/**
 * Wall-clock timings of the multicut post-processing ({@link InstancePostprocessing#multicutMerge}) stage by stage
 * on a 256³ volume with a few thousand watershed regions, next to the watershed post-processing it follows (not a
 * test; no timing is asserted):
 * <pre>
 *   mvn -o -q test-compile
 *   java -cp target/classes:target/test-classes org.cryosiam.ops.MulticutBenchmark [size] [balls] [radius]
 * </pre>
 * Input: {@code balls} balls of radius {@code r} (default 5) at random centres (seed 1), overlapping freely;
 * {@code distances} = the largest {@code r − |p − c|}, foreground where it is ≥ 0.5; boundaries 1 outside and on the surface, uniform
 * noise in [0, 0.3) inside. The watershed uses markers {@code d ≥ 3} (distance type 0).
 *
 * <p>Measured once on the 2-core development machine while it was shared (load average ~9; wall / process CPU),
 * {@code 256 5000 5}: 4666 watershed regions, 6979 edges, 1.92 M voxels on region faces. Watershed
 * post-processing 5.9 s / 2.8 s; first (cold JIT) call stage by stage: graph 0.8 / 0.6, face voxels 0.3 / 0.3,
 * bilateral filter at those voxels 9.5 / 5.6, edge means 0.4 / 0.3, GAEC 0.1 / 0.1, Kernighan–Lin 0.6 / 0.3;
 * {@code multicutMerge} again, all stages 8.2 s / 4.1 s (3257 instances). The bilateral filter on the whole volume
 * would take 38 s / 22 s.
 */
public final class MulticutBenchmark {
    private MulticutBenchmark() {
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 256;
        int balls = args.length > 1 ? Integer.parseInt(args[1]) : 12000;
        int r = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        float[] dist = new float[n * n * n];
        Random rnd = new Random(1);
        for (int b = 0; b < balls; b++) {
            int cz = r + rnd.nextInt(n - 2 * r);
            int cy = r + rnd.nextInt(n - 2 * r);
            int cx = r + rnd.nextInt(n - 2 * r);
            for (int z = cz - r; z <= cz + r; z++) {
                for (int y = cy - r; y <= cy + r; y++) {
                    for (int x = cx - r; x <= cx + r; x++) {
                        double d = r - Math.sqrt((z - cz) * (z - cz) + (y - cy) * (y - cy) + (x - cx) * (x - cx));
                        int i = (z * n + y) * n + x;
                        dist[i] = (float) Math.max(dist[i], d);
                    }
                }
            }
        }
        float[] fg = new float[dist.length];
        for (int i = 0; i < fg.length; i++) {
            fg[i] = dist[i] >= 0.5f ? 1f : 0f;
        }
        float[] boundaries = new float[dist.length];
        int plane = n * n;
        for (int z = 0, i = 0; z < n; z++) {
            for (int y = 0; y < n; y++) {
                for (int x = 0; x < n; x++, i++) {
                    boolean surface = fg[i] == 0 || x == 0 || x == n - 1 || y == 0 || y == n - 1 || z == 0
                            || z == n - 1 || fg[i - 1] == 0 || fg[i + 1] == 0 || fg[i - n] == 0 || fg[i + n] == 0
                            || fg[i - plane] == 0 || fg[i + plane] == 0;
                    boundaries[i] = surface ? 1f : 0.3f * rnd.nextFloat();
                }
            }
        }
        System.out.printf("java %s, %d cores, volume %d^3, %d balls%n", System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(), n, balls);
        InstancePostprocessing.Parameters p = new InstancePostprocessing.Parameters(0.5, 3, 3, 0);
        Clock clock = new Clock();
        int[] ws = InstancePostprocessing.segment(fg, dist, n, n, n, p);
        clock.lap("watershed post-processing (steps 1-4)");
        RegionAdjacencyGraph rag = RegionAdjacencyGraph.of(ws, n, n, n);
        clock.lap("region adjacency graph");
        byte[] faces = new byte[ws.length];
        for (int i = 0; i < ws.length; i++) {
            int z = i / plane;
            int y = i / n % n;
            int x = i % n;
            int a = ws[i];
            faces[i] = (byte) ((x > 0 && ws[i - 1] != a) || (x + 1 < n && ws[i + 1] != a)
                    || (y > 0 && ws[i - n] != a) || (y + 1 < n && ws[i + n] != a)
                    || (z > 0 && ws[i - plane] != a) || (z + 1 < n && ws[i + plane] != a) ? 1 : 0);
        }
        int selected = 0;
        for (byte f : faces) {
            selected += f;
        }
        clock.lap("voxels on faces (" + selected + ")");
        float[] filtered = BilateralFilter.filter(boundaries, n, n, n, 1, 0.1, faces);
        clock.lap("bilateral filter at those voxels");
        double[] means = rag.means(ws, filtered, n, n, n);
        clock.lap("edge means");
        double[] costs = Multicut.probabilitiesToCosts(means, 0.45);
        int[] us = rag.us();
        int[] vs = rag.vs();
        int[] gaec = Multicut.greedyAdditive(rag.numberOfNodes(), us, vs, costs);
        clock.lap("greedy additive");
        int[] kl = Multicut.kernighanLin(rag.numberOfNodes(), us, vs, costs, gaec);
        clock.lap("Kernighan-Lin");
        System.out.printf("nodes %d, edges %d, energy GAEC %.2f, + KL %.2f, clusters %d%n", rag.numberOfNodes(),
                rag.numberOfEdges(), Multicut.energy(us, vs, costs, gaec), Multicut.energy(us, vs, costs, kl),
                java.util.Arrays.stream(kl).max().getAsInt() + 1);
        int[] merged = InstancePostprocessing.multicutMerge(ws, boundaries, n, n, n, 0.45);
        clock.lap("multicutMerge, all stages");
        System.out.printf("instances: watershed %d, merged %d%n", ConnectedComponents.count(ws),
                java.util.Arrays.stream(merged).max().getAsInt());
        BilateralFilter.filter(boundaries, n, n, n, 1, 0.1);
        clock.lap("(bilateral filter on the whole volume, for comparison)");
    }

    /** Laps of wall-clock and process CPU time (the development machine is shared: CPU time is steadier). */
    private static final class Clock {
        private long wall = System.nanoTime();
        private double cpu = cpuSeconds();

        void lap(String what) {
            long w = System.nanoTime();
            double c = cpuSeconds();
            System.out.printf("%-55s %7.2f s wall %7.2f s cpu%n", what, (w - wall) / 1e9, c - cpu);
            wall = w;
            cpu = c;
        }

        private static double cpuSeconds() {
            return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                    .getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
        }
    }
}
