package org.cryosiam.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The cost transform by hand, and the solvers against brute-force optima on small graphs. */
class MulticutTest {

    // ---- probabilities to costs ----

    @Test
    void costsAreClippedNegativeLogLikelihoodsPlusTheBias() {
        double[] c = Multicut.probabilitiesToCosts(new double[] {0, 0.5, 1, 0.25}, 0.5);
        // q = 0.998 p + 0.001: p=0 -> log(0.999/0.001) = log(999); p=0.5 -> 0; p=1 -> -log(999);
        // p=0.25 -> q=0.2505, log(0.7495/0.2505)
        assertArrayEquals(new double[] {Math.log(999), 0, -Math.log(999), Math.log(0.7495 / 0.2505)}, c, 1e-12);
        // beta 0.25 adds log(0.75/0.25) = log 3 (more merging), beta 0.8 adds log(0.2/0.8) = -log 4
        assertArrayEquals(new double[] {Math.log(3)}, Multicut.probabilitiesToCosts(new double[] {0.5}, 0.25), 1e-12);
        assertArrayEquals(new double[] {Math.log(999) - Math.log(4)},
                Multicut.probabilitiesToCosts(new double[] {0}, 0.8), 1e-12);
    }

    @Test
    void edgeSizesWeightTheCostsRelativeToTheLargest() {
        double[] p = {0, 0, 1};
        double[] sizes = {1, 2, 4};
        double l = Math.log(999);
        assertArrayEquals(new double[] {0.25 * l, 0.5 * l, -l}, Multicut.probabilitiesToCosts(p, 0.5, sizes, 1),
                1e-12);
        assertArrayEquals(new double[] {0.0625 * l, 0.25 * l, -l}, Multicut.probabilitiesToCosts(p, 0.5, sizes, 2),
                1e-12);
    }

    // ---- solvers ----

    @Test
    void frustratedTriangleCutsTheRepulsiveEdgeWithTheCheaperAttractiveOne() {
        // 0-1: +5, 1-2: +4, 0-2: -20. Joining all costs 0, all apart -11; {0,1}{2}: 4 - 20 = -16 (optimal);
        // {0}{1,2}: 5 - 20 = -15
        int[] us = {0, 1, 0};
        int[] vs = {1, 2, 2};
        double[] costs = {5, 4, -20};
        assertArrayEquals(new int[] {0, 0, 1}, Multicut.greedyAdditive(3, us, vs, costs));
        assertArrayEquals(new int[] {0, 0, 1}, Multicut.solve(3, us, vs, costs));
        assertEquals(-16, Multicut.energy(us, vs, costs, Multicut.solve(3, us, vs, costs)), 1e-12);
    }

    @Test
    void kernighanLinRepairsAGreedyMistake() {
        // K4 with 0-1 +10, 0-2 +9, 0-3 +8, 1-2 -8, 1-3 -10, 2-3 -4. GAEC contracts 0-1, then {0,1}-2 (9 - 8 = 1),
        // and stops at {0,1,2}{3} (8 - 10 - 4 = -6); the optimum {0,2,3}{1} (10 - 8 - 10 = -8) needs moves that
        // first make things worse, which the Kernighan-Lin sequence between {0,1,2} and {3} allows
        int[] us = {0, 0, 0, 1, 1, 2};
        int[] vs = {1, 2, 3, 2, 3, 3};
        double[] costs = {10, 9, 8, -8, -10, -4};
        int[] gaec = Multicut.greedyAdditive(4, us, vs, costs);
        assertArrayEquals(new int[] {0, 0, 0, 1}, gaec);
        assertEquals(-6, Multicut.energy(us, vs, costs, gaec), 1e-12);
        int[] best = Multicut.solve(4, us, vs, costs);
        assertArrayEquals(new int[] {0, 1, 0, 0}, best);
        assertEquals(-8, Multicut.energy(us, vs, costs, best), 1e-12);
        assertEquals(-8, bruteForce(4, us, vs, costs), 1e-12);
    }

    @Test
    void kernighanLinCannotCrossAWorseIntermediateBetweenDifferentPairs() {
        // the known limit of the pairwise search: GAEC gives {0}{1,2}{3} (6 + 6 - 9 - 9 = -6); the optimum
        // {0,1}{2,3} (10 - 9 - 9 = -8) needs node 1 to join 0 (worse: -2) before 3 joins 2, two different pairs
        int[] us = {0, 1, 2, 0, 1};
        int[] vs = {1, 2, 3, 2, 3};
        double[] costs = {6, 10, 6, -9, -9};
        assertEquals(-8, bruteForce(4, us, vs, costs), 1e-12);
        int[] labels = Multicut.solve(4, us, vs, costs);
        assertArrayEquals(new int[] {0, 1, 1, 2}, labels);
        assertEquals(-6, Multicut.energy(us, vs, costs, labels), 1e-12);
    }

    @Test
    void labelsAreDenseInNodeOrderAndClustersConnected() {
        // 0 and 3 would like to be together but share no edge; node 0's cluster is 0
        int[] us = {0, 1, 2};
        int[] vs = {1, 2, 3};
        double[] costs = {-1, 3, -1};
        assertArrayEquals(new int[] {0, 1, 1, 2}, Multicut.solve(4, us, vs, costs));
        // a disconnected starting cluster is split before the search
        assertArrayEquals(new int[] {0, 1, 1, 2},
                Multicut.kernighanLin(4, us, vs, costs, new int[] {7, 5, 5, 7}));
        assertArrayEquals(new int[] {0, 1, 2}, Multicut.solve(3, new int[0], new int[0], new double[0]));
    }

    @Test
    void reachesTheBruteForceOptimumOnRandomSmallGraphsButForAKnownFew() {
        // 300 random graphs of 4..9 nodes, edge probability 0.3..0.9, costs uniform in [-1, 1] (half the graphs)
        // or N(0.3, 1) (attraction-heavy, so that large clusters matter). GAEC alone is optimal on 278, GAEC +
        // Kernighan-Lin on 290; the other 10 end in local optima that no single move or merge leaves (checked),
        // at most 12 % above the optimum. Both are heuristics (the problem is NP-hard); nifty's are too.
        Random rnd = new Random(42);
        int trials = 300;
        int gaecOptimal = 0;
        List<String> missed = new ArrayList<>();
        double worstGap = 0;
        for (int t = 0; t < trials; t++) {
            int n = 4 + rnd.nextInt(6);
            double p = 0.3 + 0.6 * rnd.nextDouble();
            List<int[]> edges = new ArrayList<>();
            for (int a = 0; a < n; a++) {
                for (int b = a + 1; b < n; b++) {
                    if (rnd.nextDouble() < p) {
                        edges.add(new int[] {a, b});
                    }
                }
            }
            int[] us = new int[edges.size()];
            int[] vs = new int[edges.size()];
            double[] costs = new double[edges.size()];
            for (int e = 0; e < us.length; e++) {
                us[e] = edges.get(e)[0];
                vs[e] = edges.get(e)[1];
                costs[e] = t % 2 == 0 ? 2 * rnd.nextDouble() - 1 : 0.3 + rnd.nextGaussian();
            }
            double optimum = bruteForce(n, us, vs, costs);
            int[] gaec = Multicut.greedyAdditive(n, us, vs, costs);
            int[] kl = Multicut.kernighanLin(n, us, vs, costs, gaec);
            double eg = Multicut.energy(us, vs, costs, gaec);
            double ek = Multicut.energy(us, vs, costs, kl);
            assertTrue(ek <= eg + 1e-12, "Kernighan-Lin never ends worse than its start");
            assertTrue(ek >= optimum - 1e-9, "no labelling beats the optimum");
            assertLocallyOptimal(n, us, vs, costs, kl);
            if (eg <= optimum + 1e-9) {
                gaecOptimal++;
            }
            if (ek > optimum + 1e-9) {
                worstGap = Math.max(worstGap, (ek - optimum) / Math.abs(optimum));
                missed.add("trial " + t + ": " + ek + " vs " + optimum);
            }
        }
        System.out.printf("GAEC optimal on %d of %d graphs, GAEC + Kernighan-Lin on %d; missed: %s%n", gaecOptimal,
                trials, trials - missed.size(), missed);
        assertTrue(missed.size() <= 10, "known gap: 10 of 300; now " + missed);
        assertTrue(worstGap <= 0.12, "worst relative gap " + worstGap);
    }

    /** No single node moves to a neighbouring or a new cluster, and no two neighbouring clusters merge, for less. */
    private static void assertLocallyOptimal(int n, int[] us, int[] vs, double[] costs, int[] labels) {
        double e = Multicut.energy(us, vs, costs, labels);
        for (int x = 0; x < n; x++) {
            for (int l = 0; l <= n; l++) {
                int[] moved = labels.clone();
                moved[x] = l;
                assertTrue(Multicut.energy(us, vs, costs, moved) >= e - 1e-9, "moving node " + x + " to " + l);
            }
        }
        for (int a = 0; a < n; a++) {
            for (int b = 0; b < n; b++) {
                int[] merged = labels.clone();
                for (int i = 0; i < n; i++) {
                    if (merged[i] == labels[b]) {
                        merged[i] = labels[a];
                    }
                }
                assertTrue(Multicut.energy(us, vs, costs, merged) >= e - 1e-9, "merging " + a + " and " + b);
            }
        }
    }

    /** The least energy over all partitions of the nodes (restricted growth strings). */
    private static double bruteForce(int n, int[] us, int[] vs, double[] costs) {
        int[] labels = new int[n];
        double[] best = {Double.POSITIVE_INFINITY};
        enumerate(labels, 1, 0, us, vs, costs, best);
        return best[0];
    }

    private static void enumerate(int[] labels, int i, int max, int[] us, int[] vs, double[] costs, double[] best) {
        if (i == labels.length) {
            best[0] = Math.min(best[0], Multicut.energy(us, vs, costs, labels));
            return;
        }
        for (int l = 0; l <= max + 1; l++) {
            labels[i] = l;
            enumerate(labels, i + 1, Math.max(max, l), us, vs, costs, best);
        }
    }
}
