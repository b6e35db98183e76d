package org.cryosiam.cluster;

import java.util.List;
import java.util.TreeMap;

/** Builds a {@link Graph} from adjacency rows (for other packages, e.g. UMAP's fuzzy graph). */
public final class GraphAccess {
    private GraphAccess() {
    }

    public static Graph of(List<TreeMap<Integer, Double>> rows) {
        return Graph.of(rows);
    }
}
