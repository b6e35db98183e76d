package org.cryosiam.commands;

import java.util.LinkedHashMap;
import java.util.Map;

import org.cryosiam.io.Table;

/** Table helpers shared by the embedding and clustering commands: row selection and the reference's STAR names. */
final class RegionTables {
    private RegionTables() {
    }

    /** The regions columns → RELION names, as the reference renames them for its STAR files. */
    static final Map<String, String> STAR_NAMES = starNames();

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
    static Map<String, String> fromStarNames() {
        Map<String, String> m = new LinkedHashMap<>();
        STAR_NAMES.forEach((k, v) -> m.put(v, k));
        m.remove("rlnClass");
        return m;
    }

    /** The rows {@code rows} of {@code t}, in that order, with the same columns and types. */
    static Table rows(Table t, int[] rows) {
        Table.Builder b = Table.builder();
        for (String c : t.columns()) {
            switch (t.type(c)) {
                case LONG -> {
                    long[] v = t.longs(c);
                    long[] o = new long[rows.length];
                    for (int i = 0; i < rows.length; i++) {
                        o[i] = v[rows[i]];
                    }
                    b.longs(c, o);
                }
                case DOUBLE -> {
                    double[] v = t.doubles(c);
                    double[] o = new double[rows.length];
                    for (int i = 0; i < rows.length; i++) {
                        o[i] = v[rows[i]];
                    }
                    b.doubles(c, o);
                }
                default -> {
                    String[] v = t.strings(c);
                    String[] o = new String[rows.length];
                    for (int i = 0; i < rows.length; i++) {
                        o[i] = v[rows[i]];
                    }
                    b.strings(c, o);
                }
            }
        }
        return b.build();
    }

    /** {@code t} with the column {@code name} first (as pandas' {@code insert(0, ...)}). */
    static Table withFirstColumn(Table t, String name, long[] values) {
        Table.Builder b = Table.builder().longs(name, values);
        for (String c : t.columns()) {
            switch (t.type(c)) {
                case LONG -> b.longs(c, t.longs(c));
                case DOUBLE -> b.doubles(c, t.doubles(c));
                default -> b.strings(c, t.strings(c));
            }
        }
        return b.build();
    }
}
