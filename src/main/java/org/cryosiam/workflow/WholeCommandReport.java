package org.cryosiam.workflow;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.cryosiam.CryosiamUserException;

/**
 * What a command run in a process of its own tells the benchmark that started it: the convolution FLOPs, the seconds
 * the command took in the process (without the JVM's start) and the process's peak resident memory, the figure
 * {@code /usr/bin/time -v} gives. The process writes it when {@link #ENV} names a file.
 *
 * @param peakKb the peak RSS in kB, -1 where the system does not say
 */
public record WholeCommandReport(long flops, double seconds, long peakKb) {
    /** The environment variable naming the report file. */
    public static final String ENV = "CRYOSIAM_BENCHMARK_REPORT";

    /** Writes this process's report: {@code flops} and {@code seconds} of the command, and the peak RSS now. */
    public static void write(Path file, long flops, double seconds) {
        try {
            Files.writeString(file, "flops " + flops + "\nseconds " + seconds + "\npeak_kb " + PeakRss.kilobytes()
                    + "\n");
        } catch (IOException e) {
            System.err.println(file + ": cannot write the benchmark report (" + e.getMessage() + ")");
        }
    }

    public static WholeCommandReport read(Path file) {
        try {
            Map<String, String> v = new HashMap<>();
            for (String line : Files.readAllLines(file)) {
                String[] kv = line.split(" ", 2);
                if (kv.length == 2) {
                    v.put(kv[0], kv[1]);
                }
            }
            return new WholeCommandReport(Long.parseLong(v.get("flops")), Double.parseDouble(v.get("seconds")),
                    Long.parseLong(v.get("peak_kb")));
        } catch (IOException | RuntimeException e) {
            throw new CryosiamUserException(file + ": the timed process left no report (" + e.getMessage() + ").", e);
        }
    }
}
