package org.cryosiam;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * Runs the CLI in this JVM and keeps what it printed, captured through picocli's output and error writers ({@link
 * Main#run(PrintWriter, PrintWriter, String...)}): no {@code System.setOut}/{@code setErr}, no global option, so
 * tests may run in parallel.
 *
 * @param code the exit code
 * @param out  what the command printed on its output
 * @param err  what it printed on its error stream (log, warnings, errors, progress)
 */
public record CliRun(int code, String out, String err) {
    public static CliRun run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code;
        try (PrintWriter o = new PrintWriter(out, true); PrintWriter e = new PrintWriter(err, true)) {
            code = Main.run(o, e, args);
        }
        return new CliRun(code, out.toString(), err.toString());
    }
}
