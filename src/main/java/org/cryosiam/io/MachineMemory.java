package org.cryosiam.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The memory this process may use: its cgroup's limit when it has one (containers, Slurm), else the machine's RAM. */
public final class MachineMemory {
    private MachineMemory() {
    }

    /** Bytes; {@link Long#MAX_VALUE} when nothing can be read. */
    public static long limit() {
        long ram = memTotal(Path.of("/proc/meminfo"));
        long cgroup = Math.min(cgroupLimit(Path.of("/sys/fs/cgroup/memory.max")),
                cgroupLimit(Path.of("/sys/fs/cgroup/memory/memory.limit_in_bytes")));
        return Math.min(ram, cgroup);
    }

    static long memTotal(Path meminfo) {
        try {
            for (String line : Files.readAllLines(meminfo)) {
                if (line.startsWith("MemTotal:")) {
                    String[] f = line.substring(9).trim().split("\\s+");
                    return Long.parseLong(f[0]) * 1024; // kB
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or unreadable: no limit known
        }
        return Long.MAX_VALUE;
    }

    static long cgroupLimit(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            if (!lines.isEmpty()) {
                String v = lines.get(0).trim();
                return v.equals("max") ? Long.MAX_VALUE : Long.parseLong(v);
            }
        } catch (IOException | RuntimeException e) {
            // no such cgroup file
        }
        return Long.MAX_VALUE;
    }
}
