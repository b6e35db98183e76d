package org.cryosiam.io;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.cryosiam.CryosiamUserException;

/**
 * CSV tables with a header row, commas, integers plain, floats as Python's repr and strings quoted only when they hold
 * a comma, a quote or a line break (QUOTE_MINIMAL). The reference writes its tables two ways, so we can too (see
 * {@link Dialect}); reading accepts both.
 */
public final class Csv {
    /** The two writers the reference uses; they differ only in line ends and in how NaN is written. */
    public enum Dialect {
        /** pandas {@code to_csv(index=False)}: {@code \n} line ends, NaN as an empty field (default na_rep). */
        PANDAS("\n", ""),
        /**
         * Python's {@code csv.writer} (the reference's {@code *_instance_regions.csv}): {@code \r\n} line ends,
         * NaN as {@code nan} ({@code str(float)}).
         */
        PYTHON_CSV("\r\n", "nan");

        private final String lineEnd;
        private final String nan;

        Dialect(String lineEnd, String nan) {
            this.lineEnd = lineEnd;
            this.nan = nan;
        }
    }

    private Csv() {
    }

    public static Table read(Path file) {
        String text;
        try {
            if (!Files.isRegularFile(file)) {
                throw new CryosiamUserException(file + ": file not found.");
            }
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new CryosiamUserException(file + ": not a text file in UTF-8 (" + e.getMessage() + ").", e);
        } catch (IOException e) {
            throw new CryosiamUserException(file + ": cannot read (" + e.getMessage() + ").", e);
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1); // a byte order mark (Excel writes one)
        }
        List<Integer> lines = new ArrayList<>();
        List<String[]> records = parse(file, text, lines);
        if (records.isEmpty()) {
            throw new CryosiamUserException(file + ": empty CSV file (no header row).");
        }
        String[] header = records.get(0);
        List<String[]> rows = records.subList(1, records.size());
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).length != header.length) { // a row cut short (or with extra fields): never guessed at
                throw new CryosiamUserException(file + ": line " + lines.get(i + 1) + " (row " + (i + 1) + ") has "
                        + rows.get(i).length + " field" + (rows.get(i).length == 1 ? "" : "s") + ", the header has "
                        + header.length + ".");
            }
        }
        return Table.fromText(file.toString(), List.of(header), rows);
    }

    /** Writes as pandas does ({@link Dialect#PANDAS}). */
    public static void write(Path file, Table table) {
        write(file, table, Dialect.PANDAS, OutputSink.NONE);
    }

    /** Writes as pandas does ({@link Dialect#PANDAS}), an output of the run of {@code outputs}. */
    public static void write(Path file, Table table, OutputSink outputs) {
        write(file, table, Dialect.PANDAS, outputs);
    }

    public static void write(Path file, Table table, Dialect dialect) {
        write(file, table, dialect, OutputSink.NONE);
    }

    /** Writes in {@code dialect}, an output of the run of {@code outputs}. */
    public static void write(Path file, Table table, Dialect dialect, OutputSink outputs) {
        AtomicFile.write(file, tmp -> {
            try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                List<String> cols = table.columns();
                List<String> quoted = new ArrayList<>();
                for (String c : cols) {
                    quoted.add(quote(c));
                }
                w.write(String.join(",", quoted));
                w.write(dialect.lineEnd);
                for (int r = 0; r < table.rowCount(); r++) {
                    for (int c = 0; c < cols.size(); c++) {
                        if (c > 0) {
                            w.write(',');
                        }
                        String name = cols.get(c);
                        String cell = table.cell(r, name);
                        if (table.type(name) == Table.ColumnType.DOUBLE) {
                            w.write(cell.equals("nan") ? dialect.nan : cell);
                        } else {
                            w.write(quote(cell));
                        }
                    }
                    w.write(dialect.lineEnd);
                }
            }
        }, outputs);
    }

    private static String quote(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    /**
     * RFC 4180 records: quoted fields may hold commas, doubled quotes and line breaks; blank lines are skipped.
     * {@code lines} gets the line each record starts on.
     */
    private static List<String[]> parse(Path file, String text, List<Integer> lines) {
        List<String[]> records = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean inQuotes = false, any = false;
        int line = 1;
        int start = 1;
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (inQuotes) {
                if (ch == '"') {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        cur.append('"');
                        i++;
                    } else {
                        inQuotes = false;
                    }
                } else {
                    if (ch == '\n') {
                        line++;
                    }
                    cur.append(ch);
                }
            } else if (ch == '"') {
                inQuotes = true;
                any = true;
            } else if (ch == ',') {
                fields.add(cur.toString());
                cur.setLength(0);
                any = true;
            } else if (ch == '\n' || ch == '\r') {
                if (ch == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                if (any || cur.length() > 0) {
                    fields.add(cur.toString());
                    records.add(fields.toArray(new String[0]));
                    lines.add(start);
                }
                fields.clear();
                cur.setLength(0);
                any = false;
                line++;
                start = line;
            } else {
                cur.append(ch);
            }
        }
        if (inQuotes) {
            throw new CryosiamUserException(file + ": unclosed quote in line " + line + ".");
        }
        if (any || cur.length() > 0) {
            fields.add(cur.toString());
            records.add(fields.toArray(new String[0]));
            lines.add(start);
        }
        return records;
    }
}
