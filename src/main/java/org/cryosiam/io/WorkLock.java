package org.cryosiam.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.Interrupts;

/**
 * A lock on one piece of work in an output folder (one tomogram of one command), so that two runs into the same
 * folder — two terminals, overlapping Slurm arrays — do not both compute it: the second one skips it. The lock is a
 * hidden file, e.g. {@code .TS_01.denoise_predict.lock}, created atomically ({@code CREATE_NEW}) with the holder's
 * PID, host and process start time, and deleted on release.
 *
 * <p>A lock whose holder is gone is stale and is taken over: on this host, when its PID no longer runs or now belongs
 * to another process (a different start time, e.g. the same PID in a later container); on another host, whose PIDs
 * mean nothing here, when its file has not been renewed for {@link #staleAfter} (default 10 minutes,
 * {@code CRYOSIAM_LOCK_STALE_MINUTES}): a holder renews it every minute while it works, so only a dead (or frozen)
 * holder's lock gets that old. Two runs that take over the same stale lock in the same instant may both compute the
 * tomogram; that costs time only, as every output is renamed into place complete ({@link AtomicFile}).
 */
public final class WorkLock implements AutoCloseable {
    private static final long RENEW_MILLIS = 60_000;
    /** A lock file still empty this long after it was made: its maker died between creating and writing it. */
    private static final Duration EMPTY_GRACE = Duration.ofMinutes(1);

    private final Path file;
    private final String content;
    private final Thread renewer;

    /**
     * The result of {@link #tryAcquire}: the lock, or null and who holds it.
     *
     * @param lock     the lock, to close when the work is done, failed or was interrupted; null when held elsewhere
     * @param holder   when not acquired, the holder: "PID 1234" or "PID 1234 on node7"
     * @param tookOver when acquired over a stale lock, what it was ("PID 1234 is no longer running"); else null
     */
    public record Attempt(WorkLock lock, String holder, String tookOver) {
        public boolean acquired() {
            return lock != null;
        }
    }

    private WorkLock(Path file, String content) {
        this.file = file;
        this.content = content;
        Thread t = new Thread(this::renew, "cryosiam-lock-" + file.getFileName());
        t.setDaemon(true);
        this.renewer = t;
        t.start();
        Interrupts.track(file); // a second Ctrl-C, which does not unwind, still releases it
    }

    /** Takes the lock {@code file} (its folder created) unless a live run holds it. */
    public static Attempt tryAcquire(Path file) {
        return tryAcquire(file, staleAfter());
    }

    static Attempt tryAcquire(Path file, Duration foreignStale) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new CryosiamUserException(file.getParent() + ": cannot create the folder (" + e.getMessage() + ").",
                    e);
        }
        String tookOver = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            String mine = ownContent();
            if (create(file, mine)) {
                return new Attempt(new WorkLock(file, mine), null, tookOver);
            }
            Map<String, String> held;
            String text;
            FileTime modified;
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
                modified = Files.getLastModifiedTime(file);
            } catch (NoSuchFileException e) {
                continue; // released in between: try again
            } catch (IOException e) {
                throw new CryosiamUserException(file + ": cannot read the lock (" + e.getMessage() + ").", e);
            }
            held = parse(text);
            String stale = staleness(held, modified.toInstant(), foreignStale);
            if (stale == null) {
                return new Attempt(null, holder(held), null);
            }
            try {
                // remove it only if it is still the lock judged stale, not one another run has just taken over
                if (Files.readString(file, StandardCharsets.UTF_8).equals(text)) {
                    Files.delete(file);
                }
            } catch (NoSuchFileException e) {
                // gone already
            } catch (IOException e) {
                throw new CryosiamUserException(file + ": cannot remove a stale lock (" + e.getMessage() + ").", e);
            }
            tookOver = stale;
        }
        return new Attempt(null, "another run (the lock " + file.getFileName() + " keeps changing hands)", null);
    }

    private static boolean create(Path file, String content) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                ch.write(b);
            }
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            throw new CryosiamUserException(file + ": cannot create the lock (" + e.getMessage() + ").", e);
        }
    }

    /** This process: {@code pid}, {@code host}, {@code started} (its start time), one {@code key=value} a line. */
    private static String ownContent() {
        ProcessHandle me = ProcessHandle.current();
        return "pid=" + me.pid() + "\nhost=" + AtomicFile.host() + "\nstarted="
                + me.info().startInstant().map(Instant::toString).orElse("unknown") + "\n";
    }

    private static Map<String, String> parse(String text) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                m.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
            }
        }
        return m;
    }

    /** Why the lock {@code held} (last renewed at {@code modified}) is stale, or null when its holder may be alive. */
    static String staleness(Map<String, String> held, Instant modified, Duration foreignStale) {
        Instant now = Instant.now();
        long pid;
        try {
            pid = Long.parseLong(held.getOrDefault("pid", ""));
        } catch (NumberFormatException e) {
            // empty or damaged: being written right now, or its maker died while writing it
            return modified.plus(EMPTY_GRACE).isBefore(now) ? "an unreadable lock file" : null;
        }
        String host = held.getOrDefault("host", "");
        if (!host.equals(AtomicFile.host())) {
            Duration age = Duration.between(modified, now);
            return age.compareTo(foreignStale) > 0 ? "PID " + pid + " on " + host + " has not renewed it for "
                    + minutes(age) : null;
        }
        Optional<ProcessHandle> p = ProcessHandle.of(pid);
        if (p.isEmpty() || !p.get().isAlive()) {
            return "PID " + pid + " is no longer running";
        }
        Instant started = parseInstant(held.get("started"));
        Optional<Instant> actual = p.get().info().startInstant();
        if (started != null && actual.isPresent()
                && Duration.between(started, actual.get()).abs().compareTo(Duration.ofSeconds(1)) > 0) {
            return "PID " + pid + " now belongs to another process";
        }
        return null;
    }

    private static Instant parseInstant(String s) {
        try {
            return s == null ? null : Instant.parse(s);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String holder(Map<String, String> held) {
        String pid = held.getOrDefault("pid", "?");
        String host = held.getOrDefault("host", "");
        return "PID " + pid + (host.isEmpty() || host.equals(AtomicFile.host()) ? "" : " on " + host);
    }

    private static String minutes(Duration d) {
        long m = d.toMinutes();
        return m < 120 ? m + " min" : (m / 60) + " h";
    }

    /** How long a lock of another host may go unrenewed before it counts as stale. */
    static Duration staleAfter() {
        String v = System.getenv("CRYOSIAM_LOCK_STALE_MINUTES");
        try {
            if (v != null && !v.isBlank() && Double.parseDouble(v.strip()) > 0) {
                return Duration.ofSeconds(Math.round(Double.parseDouble(v.strip()) * 60));
            }
        } catch (NumberFormatException e) {
            // the default
        }
        return Duration.ofMinutes(10);
    }

    /** Renews the lock's modification time every minute, the sign of life that other hosts read. */
    private void renew() {
        try {
            while (true) {
                Thread.sleep(RENEW_MILLIS);
                try {
                    Files.setLastModifiedTime(file, FileTime.from(Instant.now()));
                } catch (IOException e) {
                    // gone or unwritable: other hosts may then take it over, which costs time only
                }
            }
        } catch (InterruptedException e) {
            // released
        }
    }

    public Path file() {
        return file;
    }

    /** Whether {@code name} is a lock file's name ({@code .<stem>.<command>.lock}). */
    public static boolean isLockName(String name) {
        return name.startsWith(".") && name.endsWith(".lock") && name.length() > 6;
    }

    /**
     * Removes the stale locks in {@code dir} (of any command: a run reaches only its own tomograms' locks, and one
     * whose outputs are up to date never would) and returns them as "name (why stale)". Best effort.
     */
    public static java.util.List<String> removeStale(Path dir) {
        java.util.List<String> removed = new java.util.ArrayList<>();
        try (java.util.stream.Stream<Path> s = Files.list(dir)) {
            for (Path f : (Iterable<Path>) s.filter(p -> isLockName(p.getFileName().toString())).sorted()::iterator) {
                String text = Files.readString(f, StandardCharsets.UTF_8);
                String stale = staleness(parse(text), Files.getLastModifiedTime(f).toInstant(), staleAfter());
                if (stale != null && Files.readString(f, StandardCharsets.UTF_8).equals(text)) {
                    Files.delete(f);
                    removed.add(f.getFileName() + " (" + stale + ")");
                }
            }
        } catch (IOException | RuntimeException e) {
            // a lock we cannot read or delete is taken over, or reported, when its tomogram comes
        }
        return removed;
    }

    /**
     * What the lock {@code file} says, for {@code cryosiam info FOLDER}: "held by PID 1234 (running)" or "stale
     * (PID 1234 is no longer running)".
     */
    public static String describe(Path file) {
        try {
            Map<String, String> held = parse(Files.readString(file, StandardCharsets.UTF_8));
            String stale = staleness(held, Files.getLastModifiedTime(file).toInstant(), staleAfter());
            return stale == null ? "held by " + holder(held) + " (running)"
                    : "stale (" + stale + "); the next run takes it over";
        } catch (IOException e) {
            return "unreadable (" + e.getMessage() + ")";
        }
    }

    /** Releases the lock: deletes its file if it is still this run's. */
    @Override
    public void close() {
        renewer.interrupt();
        Interrupts.untrack(file);
        try {
            if (Files.readString(file, StandardCharsets.UTF_8).equals(content)) {
                Files.delete(file);
            }
        } catch (IOException e) {
            // already gone or taken over; a lock left behind is stale once this process ends
        }
    }
}
