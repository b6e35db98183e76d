package org.cryosiam.workflow;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.cryosiam.io.Table;
import org.cryosiam.ops.RegionProps;

/** Region tables shared by the instance, embedding and clustering commands: regionprops rows, row selection, the reference's STAR names. */
public final class RegionTables {
    private RegionTables() {
    }

    /** The regions columns → RELION names, as the reference renames them for its STAR files. */
    public static final Map<String, String> STAR_NAMES = starNames();

    private static Map<String, String> starNames() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("label", "rlnLabel");
        m.put("area", "rlnArea");
        for (int i = 0; i < 6; i++) {
            m.put("bbox-" + i, "rlnBbox-" + i);
        }
        m.put("centroid-0", "rlnCoordinateZ");
        m.put("centroid-1", "rlnCoordinateY");
        m.put("centroid-2", "rlnCoordinateX");
        m.put("tomo", "rlnMicrographName");
        m.put("semantic_class", "rlnClass");
        return m;
    }

    /** The RELION names back to the regions columns (for reading a centres STAR file). */
    public static Map<String, String> fromStarNames() {
        Map<String, String> m = new LinkedHashMap<>();
        STAR_NAMES.forEach((k, v) -> m.put(v, k));
        m.remove("rlnClass");
        return m;
    }

    /** The rows {@code rows} of {@code t}, in that order, with the same columns and types. */
    public static Table rows(Table t, int[] rows) {
        return t.select(rows);
    }

    /** {@code t} with the column {@code name} first (as pandas' {@code insert(0, ...)}). */
    public static Table withFirstColumn(Table t, String name, long[] values) {
        Table.Builder b = Table.builder(t.source()).longs(name, values);
        for (String c : t.columns()) {
            switch (t.type(c)) {
                case LONG -> b.longs(c, t.longs(c));
                case DOUBLE -> b.doubles(c, t.doubles(c));
                default -> b.strings(c, t.strings(c));
            }
        }
        return b.build();
    }

    /** {@code regionprops_table(labels, ['label', 'area', 'bbox', 'centroid'])}, one row per region in label order. */
    public static Table of(List<RegionProps.Region> regions) {
        int n = regions.size();
        long[] label = new long[n], area = new long[n];
        long[][] bbox = new long[6][n];
        double[][] centroid = new double[3][n];
        for (int i = 0; i < n; i++) {
            RegionProps.Region r = regions.get(i);
            label[i] = r.label();
            area[i] = r.area();
            bbox[0][i] = r.z0();
            bbox[1][i] = r.y0();
            bbox[2][i] = r.x0();
            bbox[3][i] = r.z1();
            bbox[4][i] = r.y1();
            bbox[5][i] = r.x1();
            centroid[0][i] = r.centroidZ();
            centroid[1][i] = r.centroidY();
            centroid[2][i] = r.centroidX();
        }
        Table.Builder b = Table.builder().longs("label", label).longs("area", area);
        for (int k = 0; k < 6; k++) {
            b.longs("bbox-" + k, bbox[k]);
        }
        for (int k = 0; k < 3; k++) {
            b.doubles("centroid-" + k, centroid[k]);
        }
        return b.build();
    }
}
