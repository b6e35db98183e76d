package org.cryosiam.io;

import java.io.IOException;
import java.lang.management.ManagementFactory;
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

    /**
     * Returns the C heap's free pages to the system (glibc's {@code malloc_trim}, through the JVM's
     * {@code System.trim_native_heap}). libtorch frees a prediction's tensors into the C heap, where the launcher's
     * malloc settings keep them resident so the next batch does not fault in fresh pages; once a tomogram's
     * prediction is over they would only add to the peak of what follows (post-processing, the next tomogram's
     * first pass). Where the JVM cannot (not glibc, a JDK without the command) it does nothing.
     */
    public static void trimNativeHeap() {
        try {
            ManagementFactory.getPlatformMBeanServer().invoke(
                    new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "systemTrimNativeHeap", new Object[] {null}, new String[] {String[].class.getName()});
        } catch (Exception | LinkageError e) {
            // not available here: the memory stays with the C heap, which is only slower to return
        }
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
