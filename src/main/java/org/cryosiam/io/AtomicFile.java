package org.cryosiam.io;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.Consumer;

import org.cryosiam.CryosiamUserException;

/**
 * Writes an output under a temporary name in the target folder and renames it when complete, so an interrupted run
 * never leaves a file that looks finished. Every writer of an output file goes through here.
 */
public final class AtomicFile {
    /** Writes the content of one file at the given (temporary) path. */
    @FunctionalInterface
    public interface Writer {
        void write(Path tmp) throws IOException;
    }

    private static volatile Consumer<Path> observer;

    private AtomicFile() {
    }

    /** Calls {@code o} with each file completed from now on (null: nobody); the run record notes outputs this way. */
    public static void observe(Consumer<Path> o) {
        observer = o;
    }

    public static void write(Path target, Writer writer) {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = dir.resolve("." + target.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        try {
            Files.createDirectories(dir);
            writer.write(tmp);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            Consumer<Path> o = observer;
            if (o != null) {
                o.accept(target);
            }
        } catch (IOException e) {
            throw new CryosiamUserException(target + ": cannot write (" + e.getMessage() + ").", e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // best effort: the temporary name is hidden and never mistaken for an output
            }
        }
    }
}
