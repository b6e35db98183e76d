package org.cryosiam.io;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.cryosiam.CryosiamUserException;

/**
 * RELION STAR files. Reading: any number of {@code data_NAME} blocks, each a loop ({@code loop_}, {@code _rlnX #n}
 * headers, whitespace-separated rows of one line each, quoted values, {@code #} comments) or key-value pairs (a
 * one-row table); a row with more or fewer values than the loop has columns is an error naming its line (a row cut
 * short must not shift the values of the rows after it). A UTF-8 byte order mark is skipped.
 * Column names drop the leading underscore ({@code rlnCoordinateX}), as the Python {@code starfile} package does.
 * Writing: one unnamed {@code data_} block with one loop, laid out like {@code starfile.write} (the reference's
 * writer): a blank first line, tab-separated rows, a blank line at the end.
 */
public final class StarFile {
    /** The block commands use when a file has several. */
    public static final String PARTICLES = "particles";

    private StarFile() {
    }

    /** Every block by name ({@code data_particles} is "particles", a bare {@code data_} is ""), in file order. */
    public static Map<String, Table> read(Path file) {
        List<String> lines;
        try {
            if (!Files.isRegularFile(file)) {
                throw new CryosiamUserException(file + ": file not found.");
            }
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new CryosiamUserException(file + ": not a text file in UTF-8 (" + e.getMessage() + ").", e);
        } catch (IOException e) {
            throw new CryosiamUserException(file + ": cannot read (" + e.getMessage() + ").", e);
        }
        if (!lines.isEmpty() && lines.get(0).startsWith("\uFEFF")) {
            lines.set(0, lines.get(0).substring(1)); // a byte order mark (editors on Windows write one)
        }
        return new Parser(file, lines).parse();
    }

    /** The table commands use: the only block, or the {@code particles} block of a file with several. */
    public static Table readTable(Path file) {
        return particleTable(file, read(file));
    }

    /** {@link #readTable}'s choice among the {@code blocks} read from {@code file}. */
    public static Table particleTable(Path file, Map<String, Table> blocks) {
        if (blocks.size() == 1) {
            return blocks.values().iterator().next();
        }
        Table t = blocks.get(PARTICLES);
        if (t == null) {
            throw new CryosiamUserException(file + ": " + (blocks.isEmpty() ? "no data_ block" : blocks.size()
                    + " data blocks but none named data_particles") + ".");
        }
        return t;
    }

    /** Writes the table as one {@code data_} block with one loop. */
    public static void write(Path file, Table table) {
        write(file, Map.of("", table), false, OutputSink.NONE);
    }

    /** {@link #write(Path, Table)}, an output of the run of {@code outputs}. */
    public static void write(Path file, Table table, OutputSink outputs) {
        write(file, Map.of("", table), false, outputs);
    }

    /**
     * Writes several blocks ({@code data_NAME}, one loop each) in map order, each after the line
     * {@code # version 50001} that RELION 5 puts before its blocks.
     */
    public static void writeBlocks(Path file, Map<String, Table> blocks) {
        write(file, blocks, true, OutputSink.NONE);
    }

    /** {@link #writeBlocks(Path, Map)}, an output of the run of {@code outputs}. */
    public static void writeBlocks(Path file, Map<String, Table> blocks, OutputSink outputs) {
        write(file, blocks, true, outputs);
    }

    private static void write(Path file, Map<String, Table> blocks, boolean relionVersion, OutputSink outputs) {
        AtomicFile.write(file, tmp -> {
            try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                for (Map.Entry<String, Table> block : blocks.entrySet()) {
                    w.write(relionVersion ? "\n# version 50001\n" : "");
                    writeBlock(w, block.getKey(), block.getValue());
                }
            }
        }, outputs);
    }

    private static void writeBlock(BufferedWriter w, String name, Table table) throws IOException {
        List<String> cols = table.columns();
        w.write("\ndata_" + name + "\n\nloop_\n");
        for (int c = 0; c < cols.size(); c++) {
            w.write("_" + cols.get(c) + " #" + (c + 1) + "\n");
        }
        for (int r = 0; r < table.rowCount(); r++) {
            for (int c = 0; c < cols.size(); c++) {
                if (c > 0) {
                    w.write('\t');
                }
                w.write(quote(table.cell(r, cols.get(c))));
            }
            w.write('\n');
        }
        w.write('\n');
    }

    /** A value that would not survive whitespace splitting (empty, spaces, a leading quote or #) is quoted. */
    private static String quote(String s) {
        boolean plain = !s.isEmpty();
        for (int i = 0; i < s.length() && plain; i++) {
            plain = !Character.isWhitespace(s.charAt(i));
        }
        if (plain && !(s.startsWith("\"") || s.startsWith("'") || s.startsWith("#") || s.startsWith("_")
                || s.startsWith("data_") || s.startsWith("loop_"))) {
            return s;
        }
        return s.contains("\"") ? "'" + s + "'" : "\"" + s + "\"";
    }

    /** A line-based parser: the structure keywords start a line; loop rows may wrap across lines. */
    private static final class Parser {
        private final Path file;
        private final List<String> lines;
        private int i;

        Parser(Path file, List<String> lines) {
            this.file = file;
            this.lines = lines;
        }

        Map<String, Table> parse() {
            Map<String, Table> blocks = new LinkedHashMap<>();
            String block = null;
            List<String> keys = new ArrayList<>();
            List<String> values = new ArrayList<>();
            while (i < lines.size()) {
                List<String> tokens = tokens(lines.get(i));
                if (tokens.isEmpty()) {
                    i++;
                    continue;
                }
                String first = tokens.get(0);
                if (first.startsWith("data_")) {
                    flushPairs(blocks, block, keys, values);
                    block = first.substring(5);
                    i++;
                } else if (first.equalsIgnoreCase("loop_")) {
                    requireBlock(block);
                    i++;
                    blocks.put(block, loop(block));
                } else if (first.startsWith("_")) {
                    requireBlock(block);
                    if (tokens.size() < 2) {
                        throw error("key " + first + " has no value");
                    }
                    keys.add(first.substring(1));
                    values.add(tokens.get(1));
                    i++;
                } else {
                    throw error("unexpected '" + first + "' outside a loop");
                }
            }
            flushPairs(blocks, block, keys, values);
            return blocks;
        }

        private void flushPairs(Map<String, Table> blocks, String block, List<String> keys, List<String> values) {
            if (block != null && !keys.isEmpty() && !blocks.containsKey(block)) {
                blocks.put(block, Table.fromText(file.toString(), new ArrayList<>(keys),
                        List.<String[]>of(values.toArray(new String[0]))));
            } else if (block != null && !blocks.containsKey(block)) {
                blocks.put(block, Table.fromText(file.toString(), List.of(), List.of()));
            }
            keys.clear();
            values.clear();
        }

        private Table loop(String block) {
            List<String> names = new ArrayList<>();
            while (i < lines.size()) {
                List<String> t = tokens(lines.get(i));
                if (t.isEmpty()) {
                    i++;
                } else if (t.get(0).startsWith("_")) {
                    names.add(t.get(0).substring(1)); // the "#n" after it is a comment
                    i++;
                } else {
                    break;
                }
            }
            if (names.isEmpty()) {
                throw error("loop_ without column names");
            }
            List<String[]> rows = new ArrayList<>();
            while (i < lines.size()) {
                List<String> t = tokens(lines.get(i));
                if (!t.isEmpty() && (t.get(0).startsWith("data_") || t.get(0).equalsIgnoreCase("loop_")
                        || t.get(0).startsWith("_"))) {
                    break;
                }
                if (!t.isEmpty()) {
                    if (t.size() != names.size()) {
                        throw error("the row has " + t.size() + " value" + (t.size() == 1 ? "" : "s")
                                + ", the loop of data_" + block + " has " + names.size() + " columns");
                    }
                    rows.add(t.toArray(new String[0]));
                }
                i++;
            }
            return Table.fromText(file.toString(), names, rows);
        }

        private void requireBlock(String block) {
            if (block == null) {
                throw error("data before the first data_ line");
            }
        }

        private CryosiamUserException error(String what) {
            String w = what.replaceAll("\\p{Cntrl}", "?"); // text from the file: one line, not too long
            return new CryosiamUserException(file + ": line " + (i + 1) + ": " + (w.length() > 200
                    ? w.substring(0, 200) + "…" : w) + ".");
        }

        /** Whitespace-separated tokens; a quote opens a value that ends at the same quote before whitespace. */
        private static List<String> tokens(String line) {
            List<String> out = new ArrayList<>();
            int n = line.length();
            int p = 0;
            while (p < n) {
                char c = line.charAt(p);
                if (Character.isWhitespace(c)) {
                    p++;
                } else if (c == '#') {
                    break;
                } else if (c == '"' || c == '\'') {
                    int q = p + 1;
                    while (q < n && !(line.charAt(q) == c && (q + 1 == n || Character.isWhitespace(line.charAt(q + 1))))) {
                        q++;
                    }
                    out.add(line.substring(p + 1, Math.min(q, n)));
                    p = q + 1;
                } else {
                    int q = p;
                    while (q < n && !Character.isWhitespace(line.charAt(q))) {
                        q++;
                    }
                    out.add(line.substring(p, q));
                    p = q;
                }
            }
            return out;
        }
    }
}
