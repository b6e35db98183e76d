package org.cryosiam.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.Interrupts;

/**
 * Writes an output under a temporary name in the target folder, flushes it to the disk and renames it when
 * complete, so an interrupted run (or a crash of the machine) never leaves a file that looks finished. Every writer of
 * a file goes through here: outputs through {@link #write}, bookkeeping files through {@link #replace}, a writer that
 * keeps its own temporary name through {@link #commit}.
 *
 * <p>The temporary name is {@code .NAME.tmp-PID@HOST}. A run killed with {@code kill -9} cannot delete it, so every
 * write first removes the temporary files in its folder left by processes of this host that no longer run (or whose
 * PID now belongs to a process started after the file was last written). Files of other hosts are left alone: on a
 * shared file system (SLURM array tasks writing into one folder) their PIDs mean nothing here. A run also removes
 * them, naming each with its size, before its work ({@link #removeStale(Path)}); {@code cryosiam info FOLDER} lists
 * those there ({@link #leftovers}).
 *
 * <p>Each temporary name handed out is noted with {@link Interrupts#track} until renamed or deleted, so that a second
 * Ctrl-C, which does not wait for the run to unwind, still removes the files.
 */
public final class AtomicFile {
    /** Writes the content of one file at the given (temporary) path. */
    @FunctionalInterface
    public interface Writer {
        void write(Path tmp) throws IOException;
    }

    /** {@code .NAME.tmp-PID} (older builds) or {@code .NAME.tmp-PID@HOST}. */
    private static final Pattern TEMPORARY = Pattern.compile("\\..+\\.tmp-([0-9]{1,18})(?:@(.*))?");

    private AtomicFile() {
    }

    /** Writes a file that no run notes (a log, a script, a cache entry). */
    public static void write(Path target, Writer writer) {
        write(target, writer, OutputSink.NONE);
    }

    /** Writes an output of a run, noted in {@code outputs} once complete. */
    public static void write(Path target, Writer writer, OutputSink outputs) {
        try (Pending pending = begin(target, outputs)) {
            writer.write(pending.temporary());
            pending.commit();
        } catch (IOException e) {
            throw new CryosiamUserException(target + ": cannot write (" + e.getMessage() + ").", e);
        }
    }

    /**
     * Starts writing {@code target} under its temporary name, for writers that fill a file piece by piece over a
     * long run (streamed predictions): {@link Pending#commit} renames it into place, closing without a commit
     * deletes it.
     */
    public static Pending begin(Path target, OutputSink outputs) {
        return new Pending(target, temporary(target), outputs);
    }

    /** A file being written under its temporary name. */
    public static final class Pending implements AutoCloseable {
        private final Path target;
        private final Path tmp;
        private final OutputSink outputs;
        private boolean committed;

        private Pending(Path target, Path tmp, OutputSink outputs) {
            this.target = target;
            this.tmp = tmp;
            this.outputs = outputs;
        }

        public Path target() {
            return target;
        }

        public Path temporary() {
            return tmp;
        }

        /** Moves the finished temporary file to the target's name, replacing any file there. */
        public void commit() {
            try {
                AtomicFile.commit(tmp, target);
            } catch (IOException e) {
                throw new CryosiamUserException(target + ": cannot write (" + e.getMessage() + ").", e);
            }
            committed = true;
            Interrupts.untrack(tmp);
            outputs.written(target);
        }

        /** Deletes the temporary file unless it was committed. */
        @Override
        public void close() {
            if (!committed) {
                try {
                    Files.deleteIfExists(tmp);
                    Interrupts.untrack(tmp);
                } catch (IOException ignored) {
                    // best effort: the temporary name is hidden and never mistaken for an output
                }
            }
        }
    }

    /**
     * Makes the complete file {@code written} (in {@code target}'s folder) the file {@code target}: flushes it to
     * the disk ({@code fsync}), so that a crash after the rename cannot leave an empty or partial file under the
     * final name, and renames it atomically where the file system can (else replacing). For writers that keep their
     * own temporary name (a resumable download); {@link #write} does this itself.
     */
    public static void commit(Path written, Path target) throws IOException {
        try (FileChannel ch = FileChannel.open(written, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        try {
            Files.move(written, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(written, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Writes a folder output (a Zarr store) the same way: {@code writer} fills a hidden temporary folder, which then
     * replaces {@code target}. An existing target is first renamed aside and deleted after the swap, so at no time
     * does a half-written folder carry the target's name. Noted in {@code outputs} once complete.
     */
    public static void writeDirectory(Path target, Writer writer, OutputSink outputs) {
        Path tmp = temporary(target);
        Path old = tmp.resolveSibling(tmp.getFileName() + "-old");
        try {
            deleteTree(tmp);
            Files.createDirectories(tmp);
            writer.write(tmp);
            flushFiles(tmp);
            if (Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                deleteTree(old);
                Files.move(target, old);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            outputs.written(target);
        } catch (IOException e) {
            throw new CryosiamUserException(target + ": cannot write (" + e.getMessage() + ").", e);
        } finally {
            try {
                deleteTree(tmp);
                deleteTree(old);
                Interrupts.untrack(tmp);
            } catch (IOException ignored) {
                // best effort, as for files
            }
        }
    }

    /** Flushes every file of a written folder to the disk, as {@link #commit} does for one file. */
    private static void flushFiles(Path folder) throws IOException {
        try (java.util.stream.Stream<Path> files = Files.walk(folder)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
                        ch.force(true);
                    }
                }
            }
        }
    }

    /** Deletes a file or a folder with its content (symbolic links themselves, never their targets). */
    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            try (DirectoryStream<Path> children = Files.newDirectoryStream(p)) {
                for (Path c : children) {
                    deleteTree(c);
                }
            }
        }
        Files.deleteIfExists(p);
    }

    /**
     * The temporary name of this process for {@code target} (its folder created), after removing stale temporary
     * files of killed runs from that folder. For writers that rename by themselves.
     */
    public static Path temporary(Path target) {
        Path dir = target.toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new CryosiamUserException(target + ": cannot write (" + e.getMessage() + ").", e);
        }
        removeStale(dir);
        Path tmp = dir.resolve("." + target.getFileName() + ".tmp-" + ProcessHandle.current().pid() + "@" + host());
        Interrupts.track(tmp);
        return tmp;
    }

    /** A temporary file (or folder) found in a folder, its size in bytes, and what became of its writer (owner). */
    public record Leftover(Path file, long bytes, Owner owner) {
        /** What became of the process that wrote a temporary. */
        public enum Owner {
            /** A process of this host that no longer runs: the file is stale. */
            GONE,
            /** A process of this host that still runs (this one, or another run). */
            RUNNING,
            /** A process of another host: unknown here. */
            OTHER_HOST
        }

        /** "name (268.4 MB)". */
        public String describe() {
            return file.getFileName() + " (" + size(bytes) + ")";
        }
    }

    /**
     * The temporary files in {@code dir}, with their sizes and writers (empty when it cannot be listed), for
     * {@code cryosiam info FOLDER}.
     */
    public static java.util.List<Leftover> leftovers(Path dir) {
        java.util.List<Leftover> out = new java.util.ArrayList<>();
        String host = host();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, ".*.tmp-*")) {
            for (Path f : files) {
                Matcher m = TEMPORARY.matcher(f.getFileName().toString());
                if (!m.matches()) {
                    continue;
                }
                long pid = Long.parseLong(m.group(1));
                Leftover.Owner w = m.group(2) != null && !m.group(2).equals(host) ? Leftover.Owner.OTHER_HOST
                        : pid == ProcessHandle.current().pid() || writerAlive(pid, f) ? Leftover.Owner.RUNNING
                        : Leftover.Owner.GONE;
                out.add(new Leftover(f, sizeOf(f), w));
            }
        } catch (IOException | RuntimeException ignored) {
            // a folder we cannot list has none we could name
        }
        out.sort(java.util.Comparator.comparing(l -> l.file().getFileName().toString()));
        return out;
    }

    /**
     * Removes the temporary files in {@code dir} whose writer (a process of this host) is gone, and returns those
     * removed (with their sizes, for a log line). Best effort.
     */
    public static java.util.List<Leftover> removeStale(Path dir) {
        java.util.List<Leftover> removed = new java.util.ArrayList<>();
        for (Leftover l : leftovers(dir)) {
            if (l.owner() == Leftover.Owner.GONE) {
                try {
                    deleteTree(l.file()); // a folder output (Zarr) leaves a folder
                    removed.add(l);
                } catch (IOException | RuntimeException ignored) {
                    // a file we cannot delete: the write itself reports real problems
                }
            }
        }
        return removed;
    }

    /** A file's size, or a folder's total (a Zarr store being written); 0 where unreadable. */
    private static long sizeOf(Path p) {
        try (java.util.stream.Stream<Path> s = Files.walk(p)) {
            return s.filter(f -> Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** Bytes as "268.4 MB", "12 kB", "800 B". */
    public static String size(long bytes) {
        if (bytes >= 1_000_000_000L) {
            return String.format(java.util.Locale.ROOT, "%.1f GB", bytes / 1e9);
        }
        if (bytes >= 1_000_000L) {
            return String.format(java.util.Locale.ROOT, "%.1f MB", bytes / 1e6);
        }
        return bytes >= 1000 ? (bytes / 1000) + " kB" : bytes + " B";
    }

    /** Whether process {@code pid} is alive and could have written {@code f} (it started before f's last change). */
    private static boolean writerAlive(long pid, Path f) throws IOException {
        Optional<ProcessHandle> p = ProcessHandle.of(pid);
        if (p.isEmpty() || !p.get().isAlive()) {
            return false;
        }
        Optional<Instant> started = p.get().info().startInstant();
        Instant written = Files.getLastModifiedTime(f).toInstant();
        // a PID reused by a process started after the file was last written is not its writer
        return started.isEmpty() || !started.get().isAfter(written.plusSeconds(1));
    }

    /** This machine's name, as temporary names and locks carry it ({@code /proc} first: no DNS lookup). */
    public static String host() {
        String h = null;
        try {
            h = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
        } catch (IOException | RuntimeException e) {
            h = System.getenv("HOSTNAME");
        }
        if (h == null || h.isBlank()) {
            h = "localhost";
        }
        return h.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
