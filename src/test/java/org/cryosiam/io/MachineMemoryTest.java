package org.cryosiam.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The budget without {@code --max_memory}: the job's limit (cgroup v2 or v1 on the process's own path and its
 * ancestors, Slurm's --mem or --mem-per-cpu) when it is below the RAM, else half of the RAM; read from a hand-made
 * {@code /proc} and {@code /sys/fs/cgroup}.
 */
class MachineMemoryTest {
    private static final long GB = 1L << 30;
    private static final long MB = 1L << 20;

    @TempDir
    Path root;

    private void write(String relative, String content) throws IOException {
        Path f = root.resolve(relative);
        Files.createDirectories(f.getParent());
        Files.writeString(f, content);
    }

    private void machine(long ramKb, String cgroupLines) throws IOException {
        write("proc/meminfo", "MemTotal:       " + ramKb + " kB\nMemFree:        1000 kB\n");
        write("proc/self/cgroup", cgroupLines);
    }

    @Test
    void withoutAJobLimitHalfOfTheRam() throws IOException {
        machine(16 * 1024 * 1024, "0::/user.slice/session-1.scope\n");
        write("sys/fs/cgroup/user.slice/session-1.scope/memory.max", "max\n");
        MachineMemory.Budget b = MachineMemory.defaultBudget(root, Map.of());
        assertEquals(8 * GB, b.bytes());
        assertEquals("half of the machine's 16.0 GB", b.origin());
    }

    @Test
    void cgroupV2LimitOnTheProcessPathOrAnAncestor() throws IOException {
        machine(64 * 1024 * 1024, "0::/system.slice/job.scope/step\n");
        write("sys/fs/cgroup/system.slice/job.scope/memory.max", String.valueOf(6 * GB));
        write("sys/fs/cgroup/system.slice/job.scope/step/memory.max", "max");
        MachineMemory.Budget b = MachineMemory.defaultBudget(root, Map.of());
        assertEquals(6 * GB, b.bytes());
        assertEquals("the cgroup limit of 6.0 GB", b.origin());
    }

    @Test
    void cgroupV1LimitAndItsUnlimitedValue() throws IOException {
        machine(32 * 1024 * 1024, "4:memory:/slurm/uid_1/job_7\n3:cpuset:/\n0::/\n");
        write("sys/fs/cgroup/memory/memory.limit_in_bytes", "9223372036854771712");
        write("sys/fs/cgroup/memory/slurm/uid_1/job_7/memory.limit_in_bytes", String.valueOf(5 * GB));
        assertEquals(5 * GB, MachineMemory.defaultBudget(root, Map.of()).bytes());
        write("sys/fs/cgroup/memory/slurm/uid_1/job_7/memory.limit_in_bytes", "9223372036854771712");
        assertEquals(16 * GB, MachineMemory.defaultBudget(root, Map.of()).bytes(), "unlimited: half of the RAM");
    }

    @Test
    void slurmMemoryPerNodeOrPerCpu() throws IOException {
        machine(128 * 1024 * 1024, "0::/\n");
        MachineMemory.Budget node = MachineMemory.defaultBudget(root, Map.of("SLURM_MEM_PER_NODE", "12000"));
        assertEquals(12000 * MB, node.bytes());
        assertEquals("the Slurm job's 11.7 GB", node.origin());
        assertEquals(4 * 3000 * MB, MachineMemory.defaultBudget(root,
                Map.of("SLURM_MEM_PER_CPU", "3000", "SLURM_CPUS_ON_NODE", "4")).bytes());
        assertEquals(2 * 3000 * MB, MachineMemory.defaultBudget(root,
                Map.of("SLURM_MEM_PER_CPU", "3000", "SLURM_CPUS_PER_TASK", "2")).bytes());
        // the lower of Slurm's and the cgroup's
        write("sys/fs/cgroup/memory.max", String.valueOf(10 * GB));
        assertEquals(10 * GB, MachineMemory.defaultBudget(root, Map.of("SLURM_MEM_PER_NODE", "12000")).bytes());
        // nonsense is no limit
        assertEquals(10 * GB, MachineMemory.defaultBudget(root, Map.of("SLURM_MEM_PER_NODE", "12G")).bytes());
    }

    @Test
    void maxMemoryWins() {
        MachineMemory.Budget b = MachineMemory.budget(3 * GB);
        assertEquals(3 * GB, b.bytes());
        assertEquals("--max_memory", b.origin());
    }
}
