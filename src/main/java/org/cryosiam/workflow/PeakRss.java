package org.cryosiam.workflow;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This process's peak resident memory as Linux counts it ({@code VmHWM} of {@code /proc/self/status}), which
 * {@code /usr/bin/time -v} also reports. Elsewhere: unknown.
 */
public final class PeakRss {
    private static final Path STATUS = Path.of("/proc/self/status");

    private PeakRss() {
    }

    /** The peak in GB (e.g. "1.23 GB"), or "unknown". */
    public static String describe() {
        return describe(kilobytes());
    }

    /** A peak of {@code kb} kB (-1: unknown) in GB, as {@link #describe()} gives it. */
    public static String describe(long kb) {
        return kb < 0 ? "unknown" : String.format(java.util.Locale.ROOT, "%.2f GB", kb / 1e6 * 1.024);
    }

    /** The peak in kB ({@code VmHWM}), or -1 when unknown. */
    public static long kilobytes() {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return -1;
    }
}
