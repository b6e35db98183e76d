package org.cryosiam;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * How the process stops on SIGINT (Ctrl-C) and SIGTERM (Slurm's {@code scancel}, a job's time limit). This is the
 * program's one piece of JVM-wide mutable state: a signal reaches the process, not a run, so its handler can only
 * tell the runs through a flag they all see.
 *
 * <p>Why not the JVM's own handling: it starts the shutdown at once on another thread while the run's thread may be
 * inside libtorch, so the exit tears down native state under a running convolution (a SIGSEGV and an
 * {@code hs_err_pid*.log}), and the run's temporary files stay. Here the first signal only sets a flag. The run
 * notices it at its next safe point — between batches of patches, particles or training steps (where its
 * {@code Progress} is told of work done), between tomograms, between clustering iterations ({@link #check}) — and
 * throws {@link RunInterrupted}, which unwinds through its try-with-resources: temporaries are deleted, native memory
 * is freed, locks released, the run record says "interrupted"; {@code main} then exits with 130 (INT) or 143 (TERM),
 * with no native call in flight. A second signal (a second later or more) does not wait: it deletes the
 * temporaries and releases the locks noted here ({@link #track}) and ends the process at once.
 *
 * <p>Runs in a JVM that did not call {@link #install} (tests, library callers) never see the flag set.
 */
public final class Interrupts {
    /** A signal received: its name (e.g. SIGTERM), the exit code it means and when it came (System.nanoTime). */
    private record Received(String name, int exitCode, long at) {
    }

    /**
     * A second signal within this time of the first is the same request delivered twice (coreutils {@code timeout}
     * signals the process and then its whole group), not a user asking to stop at once.
     */
    private static final long REPEAT_NANOS = 1_000_000_000L;

    private static volatile Received received;
    private static boolean installed;
    /**
     * This process's temporary files not yet renamed into place or deleted, and its locks not yet released: the
     * second signal removes them.
     */
    private static final Set<Path> TEMPORARIES = ConcurrentHashMap.newKeySet();

    private Interrupts() {
    }

    /**
     * Handles SIGINT and SIGTERM from now on (the command line's {@code main} calls it once). A signal that the
     * process was started with ignored (nohup, a background job of a script) stays ignored.
     */
    public static synchronized void install() {
        if (installed) {
            return;
        }
        installed = true;
        for (String name : List.of("INT", "TERM")) {
            try {
                Signal.handle(new Signal(name), Interrupts::handle);
            } catch (IllegalArgumentException e) {
                // reserved by the JVM (-Xrs) or unknown here: the JVM's default handling stays
            }
        }
    }

    private static void handle(Signal signal) {
        String name = "SIG" + signal.getName();
        boolean first;
        synchronized (Interrupts.class) {
            first = received == null;
            if (first) {
                received = new Received(name, 128 + signal.getNumber(), System.nanoTime());
            } else if (System.nanoTime() - received.at() < REPEAT_NANOS) {
                return;
            }
        }
        PrintStream err = System.err;
        if (first) {
            err.println();
            err.println(name + ": stopping after the work in progress (the current batch) and removing temporary "
                    + "files; " + (name.equals("SIGINT") ? "press Ctrl-C again" : "send " + name + " again")
                    + " to stop at once.");
            err.flush();
            return;
        }
        List<Path> left = removeTemporaries();
        err.println(name + " again: stopping at once" + (left.isEmpty() ? "; temporary files removed."
                : "; could not remove " + left + "."));
        err.flush();
        System.out.flush();
        // End by the signal itself, with its default action: unlike exit(), this runs no native exit handlers, which
        // could free libtorch's state under a call still running on the run's thread.
        try {
            Signal.handle(signal, SignalHandler.SIG_DFL);
            Signal.raise(signal);
            Thread.sleep(2000);
        } catch (IllegalArgumentException | InterruptedException e) {
            // fall through to halt
        }
        Runtime.getRuntime().halt(128 + signal.getNumber());
    }

    /** Whether SIGINT or SIGTERM asked the process to stop. */
    public static boolean requested() {
        return received != null;
    }

    /**
     * A safe point: throws {@link RunInterrupted} when a signal asked the process to stop.
     *
     * @param where how far the work has come, for the message ("12/40 patches of TS_01.mrc"); asked only then
     */
    public static void check(Supplier<String> where) {
        Received r = received;
        if (r != null) {
            throw new RunInterrupted(r.name(), r.exitCode(), where.get());
        }
    }

    /** Notes a temporary file (or folder) or a lock file of this process, for removal by a second signal. */
    public static void track(Path temporary) {
        TEMPORARIES.add(temporary);
    }

    /** The temporary was renamed into place or deleted, or the lock released. */
    public static void untrack(Path temporary) {
        TEMPORARIES.remove(temporary);
    }

    /**
     * Deletes the noted temporaries that still exist (an interrupted run's unwinding has normally deleted them
     * already) and returns those that could not be deleted.
     */
    public static List<Path> removeTemporaries() {
        List<Path> left = new ArrayList<>();
        for (Path p : List.copyOf(TEMPORARIES)) {
            try {
                deleteTree(p);
                TEMPORARIES.remove(p);
            } catch (IOException | RuntimeException e) {
                left.add(p);
            }
        }
        return left;
    }

    private static void deleteTree(Path p) throws IOException {
        if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            try (var children = Files.list(p)) {
                for (Path c : (Iterable<Path>) children::iterator) {
                    deleteTree(c);
                }
            }
        }
        Files.deleteIfExists(p);
    }
}
