package org.cryosiam.ops;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The multicut (correlation clustering) problem on an undirected graph with edge costs, and the heuristics elf's
 * {@code multicut_kernighan_lin} chains: greedy additive edge contraction for a warm start, then Kernighan–Lin
 * moves. A solution is a partition of the nodes into connected clusters; its energy is the sum of the costs of
 * the edges between clusters (cut edges), to be minimised: positive costs are attractive (the edge's nodes would
 * rather share a cluster), negative costs repulsive.
 *
 * <p>Edges are given as two arrays {@code us[e]}, {@code vs[e]} of node ids in {@code [0, nodes)}; parallel edges
 * are not allowed. Node labels returned by the solvers are dense and numbered in node order: the cluster of node
 * 0 is 0, the next cluster met is 1, and so on (as bioimage-cpp, elf's current backend, numbers them).
 */
public final class Multicut {
    /** The smallest energy decrease that counts as an improvement (nifty's Kernighan–Lin {@code epsilon}). */
    private static final double EPSILON = 1e-6;
    /** nifty's default {@code numberOfOuterIterations}. */
    private static final int OUTER_ITERATIONS = 100;

    private Multicut() {
    }

    /**
     * elf's {@code transform_probabilities_to_costs(probs, beta, edge_sizes, weighting_exponent)}: probabilities
     * that an edge is a true boundary become costs by their negative log-likelihood plus a boundary bias,
     * {@code c = log((1 − q)/q) + log((1 − β)/β)} with {@code q = (0.999 − 0.001)·p + 0.001} (clipped away from 0
     * and 1 so the costs stay finite). With {@code edgeSizes}, each cost is multiplied by
     * {@code (size / max size)^weightingExponent}. {@code β < 0.5} favours merging, {@code β > 0.5} cutting.
     *
     * @param edgeSizes         sizes for the weighting, or {@code null} for none
     * @param weightingExponent the exponent of the size weights (elf's default 1)
     */
    public static double[] probabilitiesToCosts(double[] probs, double beta, double[] edgeSizes,
                                                double weightingExponent) {
        if (!(beta > 0 && beta < 1)) {
            throw new IllegalArgumentException("beta must lie in (0, 1), got " + beta);
        }
        double pMin = 0.001;
        double pMax = 1 - pMin;
        double bias = Math.log((1 - beta) / beta);
        double[] costs = new double[probs.length];
        for (int e = 0; e < probs.length; e++) {
            double q = (pMax - pMin) * probs[e] + pMin;
            costs[e] = Math.log((1 - q) / q) + bias;
        }
        if (edgeSizes != null) {
            if (edgeSizes.length != probs.length) {
                throw new IllegalArgumentException(edgeSizes.length + " edge sizes for " + probs.length + " edges");
            }
            double max = 0;
            for (double s : edgeSizes) {
                max = Math.max(max, s);
            }
            for (int e = 0; e < costs.length; e++) {
                double w = edgeSizes[e] / max;
                costs[e] *= weightingExponent == 1 ? w : Math.pow(w, weightingExponent);
            }
        }
        return costs;
    }

    /** {@link #probabilitiesToCosts(double[], double, double[], double)} without size weighting. */
    public static double[] probabilitiesToCosts(double[] probs, double beta) {
        return probabilitiesToCosts(probs, beta, null, 1);
    }

    /** The sum of the costs of the edges whose nodes have different labels. */
    public static double energy(int[] us, int[] vs, double[] costs, int[] labels) {
        double sum = 0;
        for (int e = 0; e < us.length; e++) {
            if (labels[us[e]] != labels[vs[e]]) {
                sum += costs[e];
            }
        }
        return sum;
    }

    /** elf's {@code multicut_kernighan_lin} with its default warm start: {@link #kernighanLin} from {@link #greedyAdditive}. */
    public static int[] solve(int nodes, int[] us, int[] vs, double[] costs) {
        return kernighanLin(nodes, us, vs, costs, greedyAdditive(nodes, us, vs, costs));
    }

    /**
     * Greedy additive edge contraction (GAEC; Keuper et al., "Efficient decomposition of image and mesh graphs by
     * lifted multicuts", ICCV 2015; Beier et al., "Fusion moves for correlation clustering", CVPR 2015): while
     * some edge has a positive cost, contract the most attractive one, the costs of the edges that become parallel
     * adding up. Ties go to the edge with the smaller {@code (u, v)} (nifty leaves them to its heap).
     */
    public static int[] greedyAdditive(int nodes, int[] us, int[] vs, double[] costs) {
        checkGraph(nodes, us, vs, costs);
        List<Map<Integer, Double>> adj = new ArrayList<>(nodes);
        for (int i = 0; i < nodes; i++) {
            adj.add(new HashMap<>());
        }
        PriorityQueue<Candidate> queue = new PriorityQueue<>();
        for (int e = 0; e < us.length; e++) {
            adj.get(us[e]).put(vs[e], costs[e]);
            adj.get(vs[e]).put(us[e], costs[e]);
            queue.add(new Candidate(costs[e], Math.min(us[e], vs[e]), Math.max(us[e], vs[e])));
        }
        int[] parent = new int[nodes];
        for (int i = 0; i < nodes; i++) {
            parent[i] = i;
        }
        while (!queue.isEmpty()) {
            Candidate c = queue.poll();
            if (c.cost <= 0) {
                break;
            }
            Double now = adj.get(c.a).get(c.b); // absent once an end was contracted away
            if (now == null || now != c.cost) {
                continue; // stale: the edge has since been merged with a parallel one
            }
            // the node with more neighbours survives, so each contraction moves the smaller list
            int keep = adj.get(c.a).size() >= adj.get(c.b).size() ? c.a : c.b;
            int dead = keep == c.a ? c.b : c.a;
            Map<Integer, Double> keepAdj = adj.get(keep);
            keepAdj.remove(dead);
            for (Map.Entry<Integer, Double> en : adj.get(dead).entrySet()) {
                int other = en.getKey();
                if (other == keep) {
                    continue;
                }
                Map<Integer, Double> otherAdj = adj.get(other);
                otherAdj.remove(dead);
                double w = keepAdj.merge(other, en.getValue(), Double::sum);
                otherAdj.put(keep, w);
                queue.add(new Candidate(w, Math.min(keep, other), Math.max(keep, other)));
            }
            adj.set(dead, new HashMap<>());
            parent[dead] = keep;
        }
        int[] labels = new int[nodes];
        for (int i = 0; i < nodes; i++) {
            int r = i;
            while (parent[r] != r) {
                r = parent[r];
            }
            labels[i] = r;
        }
        return denseLabels(labels);
    }

    /** An edge of the contracted graph in the queue: most attractive first, then by node ids. */
    private record Candidate(double cost, int a, int b) implements Comparable<Candidate> {
        @Override
        public int compareTo(Candidate o) {
            int c = Double.compare(o.cost, cost);
            if (c != 0) {
                return c;
            }
            c = Integer.compare(a, o.a);
            return c != 0 ? c : Integer.compare(b, o.b);
        }
    }

    /**
     * Kernighan–Lin local search for the multicut as Keuper et al. (ICCV 2015) adapt it from Kernighan &amp; Lin
     * ("An efficient heuristic procedure for partitioning graphs", Bell System Technical Journal 1970) and nifty
     * implements it ({@code nifty/graph/opt/multicut/kernighan_lin.hxx}, after the andres graph library). Each
     * outer iteration (at most 100):
     * <ol>
     *   <li>for every pair of neighbouring clusters of which one changed in the last iteration, the best of: a
     *       sequence of single-node moves across their border (greedy by gain, each node moved at most once,
     *       keeping the best prefix), merging the two, or nothing;</li>
     *   <li>for every changed cluster, repeatedly split off the best such sequence into a new cluster;</li>
     *   <li>stop when nothing improved by more than 1e-6, else relabel to connected components and stop when
     *       the set of cut edges is the same as before.</li>
     * </ol>
     * Unlike nifty, a merge is weighed by its true gain (nifty sums the inter-cluster costs from both sides,
     * i.e. counts them twice), and the clusters changed in an iteration are tracked by identity.
     *
     * @param initial starting labels (any ids ≥ 0); clusters that are not connected are split first
     * @return labels that are never worse than {@code initial}
     */
    public static int[] kernighanLin(int nodes, int[] us, int[] vs, double[] costs, int[] initial) {
        checkGraph(nodes, us, vs, costs);
        if (initial.length != nodes) {
            throw new IllegalArgumentException(initial.length + " labels for " + nodes + " nodes");
        }
        return new KernighanLin(nodes, us, vs, costs).run(initial);
    }

    /** Connected components of the subgraph of edges whose nodes have equal labels, numbered in node order. */
    static int[] components(int nodes, int[] adjStart, int[] adjNode, int[] labels) {
        int[] out = new int[nodes];
        Arrays.fill(out, -1);
        int[] stack = new int[nodes];
        int next = 0;
        for (int s = 0; s < nodes; s++) {
            if (out[s] >= 0) {
                continue;
            }
            int top = 0;
            stack[top++] = s;
            out[s] = next;
            while (top > 0) {
                int x = stack[--top];
                for (int k = adjStart[x]; k < adjStart[x + 1]; k++) {
                    int y = adjNode[k];
                    if (out[y] < 0 && labels[y] == labels[s]) {
                        out[y] = next;
                        stack[top++] = y;
                    }
                }
            }
            next++;
        }
        return out;
    }

    /** Labels renumbered 0, 1, … in order of first appearance. */
    private static int[] denseLabels(int[] labels) {
        Map<Integer, Integer> ids = new HashMap<>();
        int[] out = new int[labels.length];
        for (int i = 0; i < labels.length; i++) {
            out[i] = ids.computeIfAbsent(labels[i], k -> ids.size());
        }
        return out;
    }

    private static void checkGraph(int nodes, int[] us, int[] vs, double[] costs) {
        if (us.length != vs.length || us.length != costs.length) {
            throw new IllegalArgumentException("edge arrays of different lengths");
        }
        for (int e = 0; e < us.length; e++) {
            if (us[e] < 0 || us[e] >= nodes || vs[e] < 0 || vs[e] >= nodes || us[e] == vs[e]) {
                throw new IllegalArgumentException("bad edge " + e + ": " + us[e] + "-" + vs[e]);
            }
        }
    }

    /** The state of one Kernighan–Lin run: adjacency in compressed rows and the per-node move buffers. */
    private static final class KernighanLin {
        private final int nodes;
        private final int[] us;
        private final int[] vs;
        private final double[] costs;
        private final int[] adjStart;
        private final int[] adjNode;
        private final double[] adjCost;
        private final int[] label;
        private final double[] gain; // energy decrease of moving the node to the other side
        private final int[] across; // neighbours on the other side
        private final boolean[] moved;

        KernighanLin(int nodes, int[] us, int[] vs, double[] costs) {
            this.nodes = nodes;
            this.us = us;
            this.vs = vs;
            this.costs = costs;
            adjStart = new int[nodes + 1];
            for (int e = 0; e < us.length; e++) {
                adjStart[us[e] + 1]++;
                adjStart[vs[e] + 1]++;
            }
            for (int i = 0; i < nodes; i++) {
                adjStart[i + 1] += adjStart[i];
            }
            adjNode = new int[2 * us.length];
            adjCost = new double[2 * us.length];
            int[] fill = Arrays.copyOf(adjStart, nodes);
            for (int e = 0; e < us.length; e++) {
                adjNode[fill[us[e]]] = vs[e];
                adjCost[fill[us[e]]++] = costs[e];
                adjNode[fill[vs[e]]] = us[e];
                adjCost[fill[vs[e]]++] = costs[e];
            }
            label = new int[nodes];
            gain = new double[nodes];
            across = new int[nodes];
            moved = new boolean[nodes];
        }

        int[] run(int[] initial) {
            int[] good = components(nodes, adjStart, adjNode, initial);
            int clusters = count(good);
            boolean[] changed = new boolean[clusters];
            Arrays.fill(changed, true);
            for (int it = 0; it < OUTER_ITERATIONS; it++) {
                System.arraycopy(good, 0, label, 0, nodes);
                List<IntList> parts = new ArrayList<>();
                for (int c = 0; c < clusters; c++) {
                    parts.add(new IntList());
                }
                for (int i = 0; i < nodes; i++) {
                    parts.get(label[i]).add(i);
                }
                double decrease = 0;
                for (long pair : neighbouringPairs()) {
                    int a = (int) (pair >>> 32);
                    int b = (int) pair;
                    if ((changed[a] || changed[b]) && !parts.get(a).isEmpty() && !parts.get(b).isEmpty()) {
                        double g = improve(parts.get(a), parts.get(b), a, b);
                        if (g > 0) {
                            changed[a] = true; // so that the splits below look at it
                            changed[b] = true;
                        }
                        decrease += g;
                    }
                }
                for (int c = 0; c < clusters; c++) {
                    if (!changed[c]) {
                        continue;
                    }
                    while (!parts.get(c).isEmpty()) {
                        IntList split = new IntList();
                        decrease += improve(parts.get(c), split, c, parts.size());
                        if (split.isEmpty()) {
                            break;
                        }
                        parts.add(split);
                    }
                }
                if (!(decrease > 0)) {
                    break;
                }
                int[] next = components(nodes, adjStart, adjNode, label);
                if (sameCut(good, next)) {
                    break;
                }
                changed = changedClusters(good, next);
                clusters = changed.length;
                good = next;
            }
            return good;
        }

        /** Pairs (a, b), a &lt; b, of current labels joined by an edge, in increasing order. */
        private long[] neighbouringPairs() {
            long[] pairs = new long[us.length];
            int m = 0;
            for (int e = 0; e < us.length; e++) {
                int a = label[us[e]];
                int b = label[vs[e]];
                if (a != b) {
                    pairs[m++] = ((long) Math.min(a, b) << 32) | Math.max(a, b);
                }
            }
            Arrays.sort(pairs, 0, m);
            int d = 0;
            for (int i = 0; i < m; i++) {
                if (d == 0 || pairs[i] != pairs[d - 1]) {
                    pairs[d++] = pairs[i];
                }
            }
            return Arrays.copyOf(pairs, d);
        }

        /**
         * One Kernighan–Lin pass on clusters {@code A} (label {@code la}) and {@code B} (label {@code lb}; empty
         * for a split into the fresh label {@code lb}): applies the best of the move sequence's best prefix and
         * the merge, when it decreases the energy by more than {@link #EPSILON}, and updates both lists.
         *
         * @return the energy decrease, 0 when nothing changed
         */
        private double improve(IntList a, IntList b, int la, int lb) {
            if (a.isEmpty()) {
                return 0;
            }
            double mergeGain = 0;
            IntList border = new IntList();
            for (int side = 0; side < 2; side++) {
                IntList s = side == 0 ? a : b;
                int own = side == 0 ? la : lb;
                int other = side == 0 ? lb : la;
                for (int t = 0; t < s.size(); t++) {
                    int x = s.get(t);
                    double in = 0;
                    double out = 0;
                    int n = 0;
                    for (int k = adjStart[x]; k < adjStart[x + 1]; k++) {
                        int l = label[adjNode[k]];
                        if (l == own) {
                            in += adjCost[k];
                        } else if (l == other) {
                            out += adjCost[k];
                            n++;
                        }
                    }
                    gain[x] = out - in;
                    across[x] = n;
                    moved[x] = false;
                    if (side == 0) {
                        mergeGain += out; // each A–B edge once
                    }
                    if (n > 0) {
                        border.add(x);
                    }
                }
            }
            IntList moves = new IntList();
            double cumulative = 0;
            double best = Double.NEGATIVE_INFINITY;
            int bestCount = 0;
            for (int step = 0; ; step++) {
                int m = -1;
                if (b.isEmpty() && step == 0) {
                    for (int t = 0; t < a.size(); t++) { // no border yet: any node may start the new cluster
                        int x = a.get(t);
                        if (m < 0 || gain[x] > gain[m]) {
                            m = x;
                        }
                    }
                } else {
                    int size = border.size();
                    for (int t = 0; t < size; ) {
                        int x = border.get(t);
                        if (moved[x] || across[x] == 0) {
                            border.set(t, border.get(--size));
                        } else {
                            if (m < 0 || gain[x] > gain[m]) {
                                m = x;
                            }
                            t++;
                        }
                    }
                    border.truncate(size);
                }
                if (m < 0) {
                    break;
                }
                int from = label[m];
                int to = from == la ? lb : la;
                for (int k = adjStart[m]; k < adjStart[m + 1]; k++) {
                    int y = adjNode[k];
                    if (moved[y]) {
                        continue;
                    }
                    if (label[y] == to) {
                        gain[y] -= 2 * adjCost[k];
                        across[y]--;
                    } else if (label[y] == from) {
                        gain[y] += 2 * adjCost[k];
                        if (++across[y] == 1) {
                            border.add(y);
                        }
                    }
                }
                cumulative += gain[m];
                label[m] = to;
                moved[m] = true;
                moves.add(m);
                if (cumulative > best) {
                    best = cumulative;
                    bestCount = moves.size();
                }
            }
            // undo every move, then apply the chosen change
            for (int t = 0; t < moves.size(); t++) {
                int x = moves.get(t);
                label[x] = label[x] == la ? lb : la;
                moved[x] = false;
            }
            if (mergeGain > best && mergeGain > EPSILON) {
                for (int t = 0; t < b.size(); t++) {
                    label[b.get(t)] = la;
                    a.add(b.get(t));
                }
                b.clear();
                return mergeGain;
            }
            if (best > EPSILON) {
                for (int t = 0; t < bestCount; t++) {
                    int x = moves.get(t);
                    label[x] = label[x] == la ? lb : la;
                    moved[x] = true;
                }
                IntList newA = new IntList();
                IntList newB = new IntList();
                for (IntList s : List.of(a, b)) {
                    for (int t = 0; t < s.size(); t++) {
                        int x = s.get(t);
                        (label[x] == la ? newA : newB).add(x);
                        moved[x] = false;
                    }
                }
                a.setTo(newA);
                b.setTo(newB);
                return best;
            }
            return 0;
        }

        /** Whether two labellings cut the same edges. */
        private boolean sameCut(int[] x, int[] y) {
            for (int e = 0; e < us.length; e++) {
                if ((x[us[e]] != x[vs[e]]) != (y[us[e]] != y[vs[e]])) {
                    return false;
                }
            }
            return true;
        }

        /** For each cluster of {@code next}: whether it is not exactly one cluster of {@code previous}. */
        private boolean[] changedClusters(int[] previous, int[] next) {
            int[] oldSize = new int[count(previous)];
            int newCount = count(next);
            int[] newSize = new int[newCount];
            int[] oldOf = new int[newCount];
            Arrays.fill(oldOf, -1);
            boolean[] changed = new boolean[newCount];
            for (int i = 0; i < nodes; i++) {
                oldSize[previous[i]]++;
                newSize[next[i]]++;
                if (oldOf[next[i]] < 0) {
                    oldOf[next[i]] = previous[i];
                } else if (oldOf[next[i]] != previous[i]) {
                    changed[next[i]] = true;
                }
            }
            for (int c = 0; c < newCount; c++) {
                changed[c] |= oldSize[oldOf[c]] != newSize[c];
            }
            return changed;
        }

        private static int count(int[] dense) {
            int max = -1;
            for (int l : dense) {
                max = Math.max(max, l);
            }
            return max + 1;
        }
    }

    /** A growable list of ints. */
    private static final class IntList {
        private int[] data = new int[4];
        private int size;

        void add(int x) {
            if (size == data.length) {
                data = Arrays.copyOf(data, 2 * size);
            }
            data[size++] = x;
        }

        int get(int i) {
            return data[i];
        }

        void set(int i, int x) {
            data[i] = x;
        }

        int size() {
            return size;
        }

        boolean isEmpty() {
            return size == 0;
        }

        void clear() {
            size = 0;
        }

        void truncate(int n) {
            size = n;
        }

        void setTo(IntList o) {
            data = o.data;
            size = o.size;
        }
    }
}
