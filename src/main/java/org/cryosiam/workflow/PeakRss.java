package org.cryosiam.workflow;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This process's peak resident memory as Linux counts it ({@code VmHWM} of {@code /proc/self/status}), which
 * {@code /usr/bin/time -v} also reports; resettable so one process can measure several runs. Elsewhere: unknown.
 */
public final class PeakRss {
    private static final Path STATUS = Path.of("/proc/self/status");

    private PeakRss() {
    }

    /** Starts a new peak from the current resident size (writing 5 to {@code clear_refs}, Linux 4.0+). */
    public static void reset() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (IOException | RuntimeException e) {
            // not Linux, or not allowed: the peak then covers the whole process, which describe() cannot tell
        }
    }

    /** The peak in GB (e.g. "1.23 GB"), or "unknown". */
    public static String describe() {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmHWM:")) {
                    long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    return String.format("%.2f GB", kb / 1e6 * 1.024);
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return "unknown";
    }
}
