package org.cryosiam.io;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The memory this process may use when {@code --max_memory} does not say: the limit of its job (the cgroup of a
 * container or a Slurm step, or Slurm's {@code --mem}/{@code --mem-per-cpu}) when it has one, else half of the
 * machine's RAM. Half, because a machine without a job limit is shared with whatever else runs on it (a desktop, a
 * second tool, the page cache that keeps the tomograms' reads fast), and the plan's estimate is an estimate.
 */
public final class MachineMemory {
    private MachineMemory() {
    }

    /**
     * What a prediction may use, and where that figure came from (for the log).
     *
     * @param bytes  the budget; {@link Long#MAX_VALUE} when nothing is known
     * @param origin e.g. "half of the machine's 23.5 GB", "the Slurm job's 8.0 GB"
     */
    public record Budget(long bytes, String origin) {
    }

    /** The budget: {@code maxMemory} (bytes, from {@code --max_memory}) when given, else {@link #defaultBudget()}. */
    public static Budget budget(Long maxMemory) {
        return maxMemory != null ? new Budget(maxMemory, "--max_memory") : defaultBudget();
    }

    /** The budget without {@code --max_memory}, from this machine's files and environment. */
    public static Budget defaultBudget() {
        return defaultBudget(Path.of("/"), System.getenv());
    }

    /**
     * The budget as seen from the file system at {@code root} ({@code proc/meminfo}, {@code proc/self/cgroup},
     * {@code sys/fs/cgroup/...}) and the environment {@code env}: the job's limit (the lower of the cgroup's and
     * Slurm's) when it is below the RAM, else half of the RAM.
     */
    static Budget defaultBudget(Path root, Map<String, String> env) {
        long ram = memTotal(root.resolve("proc/meminfo"));
        long cgroup = cgroupLimit(root);
        long slurm = slurmLimit(env);
        long job = Math.min(cgroup, slurm);
        if (job < ram) {
            return new Budget(job, (slurm <= cgroup ? "the Slurm job's " : "the cgroup limit of ")
                    + org.cryosiam.inference.MemoryPlan.size(job));
        }
        if (ram == Long.MAX_VALUE) {
            return new Budget(Long.MAX_VALUE, "no memory limit known");
        }
        return new Budget(ram / 2, "half of the machine's " + org.cryosiam.inference.MemoryPlan.size(ram));
    }

    /**
     * Slurm's memory for this job on this node in bytes: {@code SLURM_MEM_PER_NODE} (MB, {@code --mem}), else
     * {@code SLURM_MEM_PER_CPU} (MB, {@code --mem-per-cpu}) times the CPUs allocated here
     * ({@code SLURM_CPUS_ON_NODE}, else {@code SLURM_CPUS_PER_TASK}, else 1); {@link Long#MAX_VALUE} outside Slurm.
     */
    static long slurmLimit(Map<String, String> env) {
        long perNode = positive(env.get("SLURM_MEM_PER_NODE"));
        if (perNode > 0) {
            return perNode << 20;
        }
        long perCpu = positive(env.get("SLURM_MEM_PER_CPU"));
        if (perCpu > 0) {
            long cpus = positive(env.get("SLURM_CPUS_ON_NODE"));
            if (cpus <= 0) {
                cpus = positive(env.get("SLURM_CPUS_PER_TASK"));
            }
            return (perCpu << 20) * Math.max(1, cpus);
        }
        return Long.MAX_VALUE;
    }

    /** A positive whole number, or 0 for anything else (absent, empty, "0", "4G"). */
    private static long positive(String v) {
        try {
            long n = v == null ? 0 : Long.parseLong(v.strip());
            return n > 0 && n < (1L << 40) ? n : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * The lowest memory limit on this process's cgroup and its ancestors, v2 ({@code memory.max}) or v1
     * ({@code memory.limit_in_bytes}), found through {@code /proc/self/cgroup}; the root files too, which is what a
     * container whose cgroup namespace hides the path sees. {@link Long#MAX_VALUE} when none is set.
     */
    static long cgroupLimit(Path root) {
        Path fs = root.resolve("sys/fs/cgroup");
        long limit = Math.min(fileLimit(fs.resolve("memory.max")),
                fileLimit(fs.resolve("memory/memory.limit_in_bytes")));
        List<String> lines;
        try {
            lines = Files.readAllLines(root.resolve("proc/self/cgroup"));
        } catch (IOException | RuntimeException e) {
            return limit;
        }
        for (String line : lines) {
            String[] f = line.split(":", 3);
            if (f.length < 3) {
                continue;
            }
            String path = f[2].startsWith("/") ? f[2].substring(1) : f[2];
            if (f[0].equals("0") && f[1].isEmpty()) {
                limit = Math.min(limit, lowestOnPath(fs, path, "memory.max"));
            } else if (List.of(f[1].split(",")).contains("memory")) {
                limit = Math.min(limit, lowestOnPath(fs.resolve("memory"), path, "memory.limit_in_bytes"));
            }
        }
        return limit;
    }

    /** The lowest limit in {@code name} of {@code base/path} and each folder above it up to {@code base}. */
    private static long lowestOnPath(Path base, String path, String name) {
        long limit = Long.MAX_VALUE;
        Path dir = path.isEmpty() ? base : base.resolve(path).normalize();
        while (dir != null && dir.startsWith(base)) {
            limit = Math.min(limit, fileLimit(dir.resolve(name)));
            dir = dir.getParent();
        }
        return limit;
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

    /** One limit file: a number of bytes, or "max" (v2) / a huge number (v1) for none. */
    static long fileLimit(Path file) {
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
