package org.cryosiam.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.cryosiam.CryosiamUserException;

/**
 * A table of named, typed columns: what a CSV file or a STAR loop holds. Columns are {@code long[]} (integers),
 * {@code double[]} (floats) or {@code String[]}; the type decides how a value is printed (an integer column as
 * {@code 12}, a float column as {@code 12.0}), like a pandas data frame's dtypes. Immutable; build one with
 * {@link #builder()} or change a copy through {@link #toBuilder()}.
 */
public final class Table {
    /** How a column is stored and printed. */
    public enum ColumnType { LONG, DOUBLE, STRING }

    private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]+");

    private final String source;
    private final LinkedHashMap<String, Object> columns;
    private final int rows;

    private Table(String source, LinkedHashMap<String, Object> columns, int rows) {
        this.source = source;
        this.columns = columns;
        this.rows = rows;
    }

    /** A new, empty table builder. */
    public static Builder builder() {
        return new Builder(null, new LinkedHashMap<>());
    }

    /** A new, empty table builder for a table made from the file {@code source} (named in messages), or null. */
    public static Builder builder(String source) {
        return new Builder(source, new LinkedHashMap<>());
    }

    /** A builder holding this table's columns (arrays shared; setting a column replaces it in place). */
    public Builder toBuilder() {
        return new Builder(source, new LinkedHashMap<>(columns));
    }

    /** Column names in file order. */
    public List<String> columns() {
        return new ArrayList<>(columns.keySet());
    }

    public int rowCount() {
        return rows;
    }

    public boolean hasColumn(String name) {
        return columns.containsKey(name);
    }

    /** Where the table was read from (for messages), or null. */
    public String source() {
        return source;
    }

    public ColumnType type(String name) {
        Object c = column(name);
        return c instanceof long[] ? ColumnType.LONG : c instanceof double[] ? ColumnType.DOUBLE : ColumnType.STRING;
    }

    /** A numeric column as doubles (integers widened). */
    public double[] doubles(String name) {
        Object c = column(name);
        if (c instanceof double[]) {
            return ((double[]) c).clone();
        }
        if (c instanceof long[]) {
            long[] l = (long[]) c;
            double[] out = new double[l.length];
            for (int i = 0; i < l.length; i++) {
                out[i] = l[i];
            }
            return out;
        }
        throw notNumeric(name);
    }

    /** An integer column; a float column is accepted when every value is a whole number (pandas reads 3 as 3.0 when
     * the column has a NaN elsewhere, but a whole-number float column can also come from a writer). */
    public long[] longs(String name) {
        Object c = column(name);
        if (c instanceof long[]) {
            return ((long[]) c).clone();
        }
        if (c instanceof double[]) {
            double[] d = (double[]) c;
            long[] out = new long[d.length];
            for (int i = 0; i < d.length; i++) {
                if (d[i] != Math.rint(d[i]) || Double.isInfinite(d[i])) {
                    throw new CryosiamUserException(where() + "column '" + printable(name) + "' holds " + PythonFloat.repr(d[i])
                            + " in row " + (i + 1) + ", expected whole numbers.");
                }
                out[i] = (long) d[i];
            }
            return out;
        }
        throw notNumeric(name);
    }

    /** An integer column as int (values must fit). */
    public int[] ints(String name) {
        long[] l = longs(name);
        int[] out = new int[l.length];
        for (int i = 0; i < l.length; i++) {
            if (l[i] != (int) l[i]) {
                throw new CryosiamUserException(where() + "column '" + printable(name) + "' holds " + l[i] + " in row " + (i + 1)
                        + ", too large for an int.");
            }
            out[i] = (int) l[i];
        }
        return out;
    }

    /** Any column as the text it is written as. */
    public String[] strings(String name) {
        Object c = column(name);
        String[] out = new String[rows];
        for (int i = 0; i < rows; i++) {
            out[i] = format(c, i);
        }
        return out;
    }

    /**
     * The rows {@code rows} of this table, in that order, with the same columns and types. Work in proportion to the
     * rows taken (the typed getters copy a whole column, which per tomogram of a large table would be quadratic).
     */
    public Table select(int[] rows) {
        LinkedHashMap<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : columns.entrySet()) {
            Object c = e.getValue();
            Object o;
            if (c instanceof long[] l) {
                long[] v = new long[rows.length];
                for (int i = 0; i < rows.length; i++) {
                    v[i] = l[rows[i]];
                }
                o = v;
            } else if (c instanceof double[] d) {
                double[] v = new double[rows.length];
                for (int i = 0; i < rows.length; i++) {
                    v[i] = d[rows[i]];
                }
                o = v;
            } else {
                String[] s = (String[]) c;
                String[] v = new String[rows.length];
                for (int i = 0; i < rows.length; i++) {
                    v[i] = s[rows[i]];
                }
                o = v;
            }
            out.put(e.getKey(), o);
        }
        return new Table(source, out, rows.length);
    }

    /** One cell as written in a file: integers plain, floats as Python's repr, strings as they are. */
    public String cell(int row, String name) {
        return format(column(name), row);
    }

    /** The same table with columns renamed ({@code old -> new}); unnamed columns keep their names. */
    public Table renamed(Map<String, String> names) {
        LinkedHashMap<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : columns.entrySet()) {
            out.put(names.getOrDefault(e.getKey(), e.getKey()), e.getValue());
        }
        if (out.size() != columns.size()) {
            throw new IllegalArgumentException("renaming " + names + " makes two columns share a name");
        }
        return new Table(source, out, rows);
    }

    static String format(Object column, int row) {
        if (column instanceof long[]) {
            return Long.toString(((long[]) column)[row]);
        }
        if (column instanceof double[]) {
            return PythonFloat.repr(((double[]) column)[row]);
        }
        return ((String[]) column)[row];
    }

    private Object column(String name) {
        Object c = columns.get(name);
        if (c == null) {
            String all = printable(String.join(", ", columns.keySet()));
            throw new CryosiamUserException(where() + "no column '" + printable(name) + "' (columns: "
                    + (all.length() > 300 ? all.substring(0, 300) + "…" : all) + ").");
        }
        return c;
    }

    /** Column names come from the file: control characters (a line break in a quoted name) would split a message. */
    private static String printable(String s) {
        return s.replaceAll("\\p{Cntrl}", "?");
    }

    private String where() {
        return source == null ? "" : source + ": ";
    }

    private CryosiamUserException notNumeric(String name) {
        return new CryosiamUserException(where() + "column '" + printable(name) + "' is not numeric.");
    }

    /**
     * A table from text cells, each column typed as pandas infers it: integers when every cell is an integer, floats
     * when every cell is a number or missing (empty, nan; missing becomes NaN), text otherwise.
     */
    static Table fromText(String source, List<String> names, List<String[]> rows) {
        LinkedHashMap<String, Object> cols = new LinkedHashMap<>();
        for (int c = 0; c < names.size(); c++) {
            String name = names.get(c);
            if (cols.containsKey(name)) {
                throw new CryosiamUserException(source + ": column '" + printable(name) + "' appears twice.");
            }
            cols.put(name, inferColumn(rows, c));
        }
        return new Table(source, cols, rows.size());
    }

    private static Object inferColumn(List<String[]> rows, int c) {
        int n = rows.size();
        boolean allInt = n > 0;
        for (String[] r : rows) {
            if (!INTEGER.matcher(r[c]).matches() || r[c].length() > 18) {
                allInt = false;
                break;
            }
        }
        if (allInt) {
            long[] out = new long[n];
            for (int i = 0; i < n; i++) {
                out[i] = Long.parseLong(rows.get(i)[c]);
            }
            return out;
        }
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            Double v = parseDouble(rows.get(i)[c]);
            if (v == null) {
                String[] text = new String[n];
                for (int j = 0; j < n; j++) {
                    text[j] = rows.get(j)[c];
                }
                return text;
            }
            out[i] = v;
        }
        return out;
    }

    /** A float as Python/pandas writes one, or null when the text is not a number. Missing values are NaN. */
    private static Double parseDouble(String s) {
        String t = s.trim();
        switch (t.toLowerCase(java.util.Locale.ROOT)) {
            case "":
            case "nan":
            case "-nan":
            case "na":
            case "n/a":
            case "null":
            case "<na>":
                return Double.NaN;
            case "inf":
            case "+inf":
            case "infinity":
                return Double.POSITIVE_INFINITY;
            case "-inf":
            case "-infinity":
                return Double.NEGATIVE_INFINITY;
            default:
                break;
        }
        if (t.isEmpty() || !(Character.isDigit(t.charAt(t.length() - 1)) || t.endsWith("."))) {
            return null; // rejects Java-only forms such as "1f" or "0x1p3"
        }
        try {
            return Double.parseDouble(t);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Builds a table column by column; all columns must have the same length. */
    public static final class Builder {
        private final String source;
        private final LinkedHashMap<String, Object> columns;

        private Builder(String source, LinkedHashMap<String, Object> columns) {
            this.source = source;
            this.columns = columns;
        }

        /** An integer column (printed without a decimal point). Replaces a column of the same name in place. */
        public Builder longs(String name, long[] values) {
            return put(name, values.clone());
        }

        /** An integer column from ints. */
        public Builder ints(String name, int[] values) {
            long[] l = new long[values.length];
            for (int i = 0; i < values.length; i++) {
                l[i] = values[i];
            }
            return put(name, l);
        }

        /** A float column (printed as Python's repr: {@code 21.0}, {@code 0.1}). */
        public Builder doubles(String name, double[] values) {
            return put(name, values.clone());
        }

        /** A text column. */
        public Builder strings(String name, String[] values) {
            for (String s : values) {
                if (s == null) {
                    throw new IllegalArgumentException("column '" + name + "' holds a null string");
                }
            }
            return put(name, values.clone());
        }

        public Builder remove(String name) {
            columns.remove(name);
            return this;
        }

        private Builder put(String name, Object values) {
            columns.put(name, values);
            return this;
        }

        public Table build() {
            int rows = -1;
            for (Map.Entry<String, Object> e : columns.entrySet()) {
                int n = java.lang.reflect.Array.getLength(e.getValue());
                if (rows >= 0 && n != rows) {
                    throw new IllegalArgumentException("column '" + e.getKey() + "' has " + n + " rows, others "
                            + rows);
                }
                rows = n;
            }
            return new Table(source, new LinkedHashMap<>(columns), Math.max(rows, 0));
        }
    }
}
