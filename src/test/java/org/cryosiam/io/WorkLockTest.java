package org.cryosiam.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 28 item 9: the per-tomogram lock of an output folder, its holders and its stale files. */
class WorkLockTest {
    @TempDir
    Path dir;

    private static final Duration TEN_MINUTES = Duration.ofMinutes(10);

    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }

    private static String me() {
        return String.valueOf(ProcessHandle.current().pid());
    }

    @Test
    void aHeldLockIsRefusedUntilReleasedAndLeavesNoFile() throws Exception {
        Path file = dir.resolve("pred/.TS_01.denoise_predict.lock");
        WorkLock.Attempt first = WorkLock.tryAcquire(file, TEN_MINUTES);
        assertTrue(first.acquired());
        assertNull(first.tookOver());
        String text = Files.readString(file);
        assertTrue(text.contains("pid=" + me() + "\n") && text.contains("host=" + AtomicFile.host() + "\n")
                && text.contains("started="), text);
        // another run of this process (the same PID and start time) sees it held
        WorkLock.Attempt second = WorkLock.tryAcquire(file, TEN_MINUTES);
        assertFalse(second.acquired());
        assertEquals("PID " + me(), second.holder());
        assertTrue(WorkLock.describe(file).startsWith("held by PID " + me()), WorkLock.describe(file));
        first.lock().close();
        assertFalse(Files.exists(file), "released: no lock file left");
        WorkLock.Attempt third = WorkLock.tryAcquire(file, TEN_MINUTES);
        assertTrue(third.acquired());
        third.lock().close();
    }

    @Test
    void theLockOfADeadProcessIsTakenOver() throws Exception {
        Path file = dir.resolve(".TS_01.denoise_predict.lock");
        long dead = deadPid();
        Files.writeString(file, "pid=" + dead + "\nhost=" + AtomicFile.host() + "\nstarted=2020-01-01T00:00:00Z\n");
        assertTrue(WorkLock.describe(file).startsWith("stale (PID " + dead + " is no longer running)"));
        WorkLock.Attempt a = WorkLock.tryAcquire(file, TEN_MINUTES);
        assertTrue(a.acquired());
        assertEquals("PID " + dead + " is no longer running", a.tookOver());
        assertTrue(Files.readString(file).contains("pid=" + me() + "\n"), "now ours");
        a.lock().close();
        assertFalse(Files.exists(file));
    }

    @Test
    void theSamePidInAnEarlierProcessIsStale() throws Exception {
        // this PID, but a process that started long before this one: a previous JVM (a container's PID 1, say)
        Path file = dir.resolve(".TS_02.semantic_predict.lock");
        Files.writeString(file, "pid=" + me() + "\nhost=" + AtomicFile.host() + "\nstarted=2001-01-01T00:00:00Z\n");
        WorkLock.Attempt a = WorkLock.tryAcquire(file, TEN_MINUTES);
        assertTrue(a.acquired());
        assertEquals("PID " + me() + " now belongs to another process", a.tookOver());
        a.lock().close();
    }

    @Test
    void anotherHostsLockIsLiveUntilItGoesUnrenewedTooLong() throws Exception {
        Path file = dir.resolve(".TS_01.denoise_predict.lock");
        Files.writeString(file, "pid=1\nhost=some-other-node\nstarted=2024-01-01T00:00:00Z\n");
        WorkLock.Attempt fresh = WorkLock.tryAcquire(file, TEN_MINUTES);
        assertFalse(fresh.acquired(), "its PID means nothing here: live while renewed");
        assertEquals("PID 1 on some-other-node", fresh.holder());
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(Duration.ofMinutes(11))));
        WorkLock.Attempt old = WorkLock.tryAcquire(file, TEN_MINUTES);
        assertTrue(old.acquired());
        assertEquals("PID 1 on some-other-node has not renewed it for 11 min", old.tookOver());
        old.lock().close();
    }

    @Test
    void anEmptyLockIsBeingWrittenUnlessItIsOld() throws Exception {
        Path file = dir.resolve(".TS_01.denoise_predict.lock");
        Files.writeString(file, "");
        assertFalse(WorkLock.tryAcquire(file, TEN_MINUTES).acquired(), "its maker may be writing it right now");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(Duration.ofMinutes(2))));
        WorkLock.Attempt a = WorkLock.tryAcquire(file, TEN_MINUTES);
        assertTrue(a.acquired());
        assertEquals("an unreadable lock file", a.tookOver());
        a.lock().close();
    }

    @Test
    void releaseLeavesALockThatAnotherRunTookOver() throws Exception {
        Path file = dir.resolve(".TS_01.denoise_predict.lock");
        WorkLock.Attempt a = WorkLock.tryAcquire(file, TEN_MINUTES);
        assertTrue(a.acquired());
        String theirs = "pid=1\nhost=some-other-node\nstarted=2024-01-01T00:00:00Z\n";
        Files.writeString(file, theirs); // taken over meanwhile (another host judged ours stale)
        a.lock().close();
        assertEquals(theirs, Files.readString(file), "not ours any more: left alone");
    }
}
