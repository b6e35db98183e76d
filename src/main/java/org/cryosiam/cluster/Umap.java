package org.cryosiam.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;

import org.cryosiam.Interrupts;

/**
 * UMAP (McInnes, Healy &amp; Melville 2018), following umap-learn 0.5's algorithm and defaults: exact k nearest
 * neighbours (self included), the fuzzy simplicial set (per-point {@code rho} and {@code sigma} by binary search to
 * {@code log2(k)}), fuzzy union, edges below {@code max / n_epochs} dropped, {@code a, b} fitted to {@code min_dist}
 * and {@code spread}, spectral initialisation (normalised-Laplacian eigenvectors, scaled to [0, 10]) and the
 * edge-sampling SGD with negative sampling (rate 5, gradient clip 4, linearly decaying learning rate; 500 epochs
 * up to 10 000 points, else 200). Single-threaded and driven by one seeded generator: the same seed gives the same
 * projection. Our own code: no maintained, permissively licensed, deterministic Java UMAP exists.
 */
public final class Umap {
    private final int neighbours;
    private final double minDist;
    private final double spread;
    private final Metric metric;
    private final long seed;
    private int epochs = -1;

    public Umap(int neighbours, double minDist, Metric metric, long seed) {
        this.neighbours = neighbours;
        this.minDist = minDist;
        this.spread = 1.0;
        this.metric = metric;
        this.seed = seed;
    }

    /** Overrides the number of optimisation epochs (default: 500 up to 10 000 points, else 200). */
    public Umap epochs(int n) {
        this.epochs = n;
        return this;
    }

    /** The {@code n × dims} projection of {@code x}. */
    public double[][] fit(double[][] x, int dims) {
        int n = x.length;
        SplittableRandom random = new SplittableRandom(seed);
        if (n <= dims + 1) {
            double[][] out = new double[n][dims];
            for (int i = 0; i < n; i++) {
                for (int d = 0; d < dims; d++) {
                    out[i][d] = 10.0 * random.nextDouble();
                }
            }
            return out;
        }
        int k = Math.min(neighbours, n - 1);
        NearestNeighbors.Result knn = NearestNeighbors.of(x, k, metric);
        List<TreeMap<Integer, Double>> graph = fuzzySimplicialSet(knn, k);
        int nEpochs = epochs > 0 ? epochs : n <= 10000 ? 500 : 200;
        // edge list (both directions), weak edges dropped
        double max = 0;
        for (TreeMap<Integer, Double> r : graph) {
            for (double w : r.values()) {
                max = Math.max(max, w);
            }
        }
        List<TreeMap<Integer, Double>> kept = new ArrayList<>();
        for (TreeMap<Integer, Double> r : graph) {
            TreeMap<Integer, Double> t = new TreeMap<>();
            for (var e : r.entrySet()) {
                if (e.getValue() >= max / nEpochs) {
                    t.put(e.getKey(), e.getValue());
                }
            }
            kept.add(t);
        }
        double[][] y = init(kept, dims, random);
        double[] ab = fitAB(spread, minDist);
        optimise(y, kept, ab[0], ab[1], nEpochs, random);
        return y;
    }

    /** Memberships {@code exp(-(d - rho) / sigma)} per directed k-NN edge, then the fuzzy union {@code A + Aᵀ − A∘Aᵀ}. */
    static List<TreeMap<Integer, Double>> fuzzySimplicialSet(NearestNeighbors.Result knn, int k) {
        int n = knn.indices().length;
        double target = Math.log(k) / Math.log(2);
        double meanAll = 0;
        long count = 0;
        for (double[] d : knn.distances()) {
            for (double v : d) {
                meanAll += v;
                count++;
            }
        }
        meanAll /= Math.max(1, count);
        List<TreeMap<Integer, Double>> a = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            a.add(new TreeMap<>());
        }
        for (int i = 0; i < n; i++) {
            double[] d = knn.distances()[i];
            double rho = 0;
            for (double v : d) {
                if (v > 0) {
                    rho = v;
                    break;
                }
            }
            double lo = 0;
            double hi = Double.POSITIVE_INFINITY;
            double mid = 1;
            for (int it = 0; it < 64; it++) {
                double psum = 0;
                for (int j = 1; j < d.length; j++) {
                    double dd = d[j] - rho;
                    psum += dd > 0 ? Math.exp(-dd / mid) : 1;
                }
                if (Math.abs(psum - target) < 1e-5) {
                    break;
                }
                if (psum > target) {
                    hi = mid;
                    mid = (lo + hi) / 2;
                } else {
                    lo = mid;
                    mid = hi == Double.POSITIVE_INFINITY ? mid * 2 : (lo + hi) / 2;
                }
            }
            double mean = 0;
            for (double v : d) {
                mean += v;
            }
            mean /= d.length;
            double sigma = rho > 0 ? Math.max(mid, 1e-3 * mean) : Math.max(mid, 1e-3 * meanAll);
            int[] idx = knn.indices()[i];
            for (int t = 0; t < idx.length; t++) {
                int j = idx[t];
                if (j == i) {
                    continue;
                }
                double v = d[t] - rho <= 0 || sigma == 0 ? 1 : Math.exp(-(d[t] - rho) / sigma);
                a.get(i).put(j, v);
            }
        }
        List<TreeMap<Integer, Double>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new TreeMap<>());
        }
        for (int i = 0; i < n; i++) {
            for (var e : a.get(i).entrySet()) {
                int j = e.getKey();
                double w = e.getValue();
                double wt = a.get(j).getOrDefault(i, 0.0);
                double u = w + wt - w * wt;
                if (u > 0) {
                    out.get(i).put(j, u);
                    out.get(j).put(i, u);
                }
            }
        }
        return out;
    }

    /** Spectral layout scaled as umap-learn does, each axis then mapped to [0, 10]. */
    private double[][] init(List<TreeMap<Integer, Double>> graph, int dims, SplittableRandom random) {
        int n = graph.size();
        double[][] y = new double[n][dims];
        LaplacianEigen.Result e = LaplacianEigen.smallest(GraphAccess.of(graph), dims + 1, seed);
        double absMax = 0;
        for (int d = 0; d < dims; d++) {
            for (int i = 0; i < n; i++) {
                absMax = Math.max(absMax, Math.abs(e.vectors()[d + 1][i]));
            }
        }
        for (int d = 0; d < dims; d++) {
            for (int i = 0; i < n; i++) {
                y[i][d] = e.vectors()[d + 1][i] * (10.0 / absMax) + 1e-4 * random.nextGaussian();
            }
        }
        for (int d = 0; d < dims; d++) {
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (double[] r : y) {
                lo = Math.min(lo, r[d]);
                hi = Math.max(hi, r[d]);
            }
            double range = hi - lo == 0 ? 1 : hi - lo;
            for (double[] r : y) {
                r[d] = 10.0 * (r[d] - lo) / range;
            }
        }
        return y;
    }

    /** Least-squares fit of {@code 1 / (1 + a x^(2b))} to the target curve on [0, 3·spread] (Levenberg–Marquardt). */
    static double[] fitAB(double spread, double minDist) {
        int m = 300;
        double[] xs = new double[m];
        double[] ys = new double[m];
        for (int i = 0; i < m; i++) {
            xs[i] = 3 * spread * i / (m - 1);
            ys[i] = xs[i] < minDist ? 1 : Math.exp(-(xs[i] - minDist) / spread);
        }
        double a = 1;
        double b = 1;
        double lambda = 1e-3;
        double cost = abCost(xs, ys, a, b);
        for (int it = 0; it < 500; it++) {
            double jaa = 0, jab = 0, jbb = 0, ga = 0, gb = 0;
            for (int i = 0; i < m; i++) {
                double x = xs[i];
                double p = x == 0 ? 0 : Math.pow(x, 2 * b);
                double f = 1 / (1 + a * p);
                double r = f - ys[i];
                double da = -p * f * f;
                double db = x == 0 ? 0 : -a * p * 2 * Math.log(x) * f * f;
                jaa += da * da;
                jab += da * db;
                jbb += db * db;
                ga += da * r;
                gb += db * r;
            }
            double a11 = jaa * (1 + lambda);
            double a22 = jbb * (1 + lambda);
            double det = a11 * a22 - jab * jab;
            double stepA = -(a22 * ga - jab * gb) / det;
            double stepB = -(a11 * gb - jab * ga) / det;
            double c = abCost(xs, ys, a + stepA, b + stepB);
            if (c < cost) {
                a += stepA;
                b += stepB;
                boolean done = cost - c < 1e-15 * Math.max(1, cost);
                cost = c;
                lambda /= 10;
                if (done) {
                    break;
                }
            } else {
                lambda *= 10;
                if (lambda > 1e12) {
                    break;
                }
            }
        }
        return new double[] {a, b};
    }

    private static double abCost(double[] xs, double[] ys, double a, double b) {
        double s = 0;
        for (int i = 0; i < xs.length; i++) {
            double p = xs[i] == 0 ? 0 : Math.pow(xs[i], 2 * b);
            double r = 1 / (1 + a * p) - ys[i];
            s += r * r;
        }
        return s;
    }

    private static void optimise(double[][] y, List<TreeMap<Integer, Double>> graph, double a, double b, int nEpochs,
            SplittableRandom random) {
        int n = y.length;
        int dims = y[0].length;
        List<int[]> edges = new ArrayList<>();
        List<Double> weights = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            for (var e : graph.get(i).entrySet()) {
                edges.add(new int[] {i, e.getKey()});
                weights.add(e.getValue());
            }
        }
        int m = edges.size();
        if (m == 0) {
            return;
        }
        double wmax = 0;
        for (double w : weights) {
            wmax = Math.max(wmax, w);
        }
        double[] perSample = new double[m];
        for (int e = 0; e < m; e++) {
            double samples = nEpochs * weights.get(e) / wmax;
            perSample[e] = samples > 0 ? nEpochs / samples : -1;
        }
        double negativeRate = 5;
        double[] perNegative = new double[m];
        double[] nextSample = perSample.clone();
        double[] nextNegative = new double[m];
        for (int e = 0; e < m; e++) {
            perNegative[e] = perSample[e] / negativeRate;
            nextNegative[e] = perNegative[e];
        }
        for (int epoch = 0; epoch < nEpochs; epoch++) {
            int epochs = epoch;
            Interrupts.check(() -> epochs + "/" + nEpochs + " UMAP epochs");
            double alpha = 1.0 * (1.0 - (double) epoch / nEpochs);
            for (int e = 0; e < m; e++) {
                if (perSample[e] < 0 || nextSample[e] > epoch) {
                    continue;
                }
                double[] cur = y[edges.get(e)[0]];
                double[] oth = y[edges.get(e)[1]];
                double d2 = dist2(cur, oth);
                double coeff = d2 > 0 ? -2.0 * a * b * Math.pow(d2, b - 1.0) / (a * Math.pow(d2, b) + 1.0) : 0;
                for (int d = 0; d < dims; d++) {
                    double g = clip(coeff * (cur[d] - oth[d]));
                    cur[d] += g * alpha;
                    oth[d] -= g * alpha;
                }
                nextSample[e] += perSample[e];
                int nNeg = (int) ((epoch - nextNegative[e]) / perNegative[e]);
                for (int p = 0; p < nNeg; p++) {
                    int k = random.nextInt(n);
                    if (k == edges.get(e)[0]) {
                        continue;
                    }
                    double[] o = y[k];
                    double dd = dist2(cur, o);
                    double c = dd > 0 ? 2.0 * b / ((0.001 + dd) * (a * Math.pow(dd, b) + 1)) : 0;
                    if (c <= 0) {
                        continue;
                    }
                    for (int d = 0; d < dims; d++) {
                        cur[d] += clip(c * (cur[d] - o[d])) * alpha;
                    }
                }
                nextNegative[e] += nNeg * perNegative[e];
            }
        }
    }

    private static double clip(double v) {
        return v > 4 ? 4 : v < -4 ? -4 : v;
    }

    private static double dist2(double[] p, double[] q) {
        double s = 0;
        for (int i = 0; i < p.length; i++) {
            double t = p[i] - q[i];
            s += t * t;
        }
        return s;
    }
}
