package org.cryosiam.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

import org.cryosiam.CryosiamUserException;

/**
 * The one rule that protects a user's data: no output path may be one of the command's input files, however either
 * is spelled (absolute, relative, {@code ..}, a symbolic link, a hard link). Commands call {@link #refuse} with all
 * their inputs and planned outputs before doing any work.
 */
public final class OutputGuard {
    private OutputGuard() {
    }

    /** Throws a user error naming the first output that is also an input; does nothing otherwise. */
    public static void refuse(Collection<Path> inputs, Collection<Path> outputs) {
        Map<Object, Path> known = new HashMap<>();
        for (Path in : inputs) {
            known.putIfAbsent(canonical(in), in);
            Object key = fileKey(in);
            if (key != null) {
                known.putIfAbsent(key, in);
            }
        }
        for (Path out : outputs) {
            Path in = known.get(canonical(out));
            Object key = fileKey(out);
            if (in == null && key != null) {
                in = known.get(key); // a hard link: the same file under another name
            }
            if (in != null) {
                throw new CryosiamUserException(out + ": refusing to write an output over the input file " + in
                        + "; choose an output folder that is not the input folder.");
            }
        }
    }

    /** The file system's identity of an existing file (device and inode), or null. */
    private static Object fileKey(Path p) {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * The path with its longest existing ancestor replaced by that ancestor's real path (symbolic links resolved),
     * then normalised lexically.
     */
    static Path canonical(Path p) {
        Path abs = p.toAbsolutePath();
        Path existing = abs;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return abs.normalize();
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(abs)).normalize();
        } catch (IOException e) {
            return abs.normalize();
        }
    }
}
