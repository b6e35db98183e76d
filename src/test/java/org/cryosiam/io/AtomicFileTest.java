package org.cryosiam.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Temporary files of killed runs are removed by the next write in their folder; live writers' files are kept. */
class AtomicFileTest {
    @TempDir
    Path dir;

    /** A PID that no longer runs: a finished child of ours. */
    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }

    @Test
    void staleTemporaryFilesOfDeadProcessesAreRemoved() throws Exception {
        long dead = deadPid();
        String host = AtomicFile.host();
        long live = ProcessHandle.current().parent().orElseThrow().pid(); // started before the files below
        Path killed = Files.writeString(dir.resolve(".a_preds.h5.tmp-" + dead + "@" + host), "half");
        Path legacy = Files.writeString(dir.resolve(".b.csv.tmp-" + dead), "half");
        Path running = Files.writeString(dir.resolve(".c.mrc.tmp-" + live + "@" + host), "in progress");
        Path otherHost = Files.writeString(dir.resolve(".d.mrc.tmp-" + dead + "@some-other-node"), "elsewhere");
        Path reused = Files.writeString(dir.resolve(".e.mrc.tmp-" + live + "@" + host), "old");
        Files.setLastModifiedTime(reused, FileTime.fromMillis(0)); // written long before that PID's process started
        Path unrelated = Files.writeString(dir.resolve(".notes.tmp-abc"), "keep");

        AtomicFile.write(dir.resolve("out.txt"), tmp -> Files.writeString(tmp, "done"));

        assertEquals("done", Files.readString(dir.resolve("out.txt")));
        assertFalse(Files.exists(killed), "temporary file of a killed run");
        assertFalse(Files.exists(legacy), "temporary file of a killed run, older name");
        assertFalse(Files.exists(reused), "temporary file whose PID now belongs to a younger process");
        assertTrue(Files.exists(running), "a running writer's temporary file must stay");
        assertTrue(Files.exists(otherHost), "another host's temporary file must stay");
        assertTrue(Files.exists(unrelated));
        try (var s = Files.list(dir)) {
            assertEquals(4, s.count()); // out.txt, running, otherHost, unrelated: no temporary file of ours left
        }
    }

    @Test
    void theTemporaryNameIsHiddenBesideTheTarget() {
        Path t = AtomicFile.temporary(dir.resolve("sub/x.h5"));
        assertEquals(dir.resolve("sub").toAbsolutePath(), t.getParent());
        assertTrue(t.getFileName().toString().startsWith(".x.h5.tmp-" + ProcessHandle.current().pid() + "@"),
                t.toString());
        assertTrue(Files.isDirectory(dir.resolve("sub")));
    }
}
