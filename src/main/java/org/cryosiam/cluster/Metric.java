package org.cryosiam.cluster;

import java.util.Locale;

import org.cryosiam.CryosiamUserException;

/** Distances between embeddings, named as scikit-learn / umap-learn name them ({@code visualization.distance}). */
public enum Metric {
    EUCLIDEAN, MANHATTAN, CHEBYSHEV, COSINE, CORRELATION;

    public static Metric parse(String name) {
        String n = name == null ? "euclidean" : name.trim().toLowerCase(Locale.ROOT);
        switch (n) {
            case "euclidean", "l2":
                return EUCLIDEAN;
            case "manhattan", "l1", "cityblock", "taxicab":
                return MANHATTAN;
            case "chebyshev", "linfinity", "linf":
                return CHEBYSHEV;
            case "cosine":
                return COSINE;
            case "correlation":
                return CORRELATION;
            default:
                throw new CryosiamUserException("distance '" + name
                        + "' is not supported (euclidean, manhattan, chebyshev, cosine, correlation).");
        }
    }

    public double distance(double[] a, double[] b) {
        switch (this) {
            case EUCLIDEAN: {
                return Math.sqrt(KMeans.sq(a, b));
            }
            case MANHATTAN: {
                double s = 0;
                for (int i = 0; i < a.length; i++) {
                    s += Math.abs(a[i] - b[i]);
                }
                return s;
            }
            case CHEBYSHEV: {
                double s = 0;
                for (int i = 0; i < a.length; i++) {
                    s = Math.max(s, Math.abs(a[i] - b[i]));
                }
                return s;
            }
            case COSINE:
                return cosine(a, b, 0, 0);
            default: {
                double ma = 0;
                double mb = 0;
                for (int i = 0; i < a.length; i++) {
                    ma += a[i];
                    mb += b[i];
                }
                return cosine(a, b, ma / a.length, mb / b.length);
            }
        }
    }

    private static double cosine(double[] a, double[] b, double ma, double mb) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            double x = a[i] - ma;
            double y = b[i] - mb;
            dot += x * y;
            na += x * x;
            nb += y * y;
        }
        if (na == 0 && nb == 0) {
            return 0;
        }
        if (na == 0 || nb == 0) {
            return 1;
        }
        return 1 - dot / Math.sqrt(na * nb);
    }
}
