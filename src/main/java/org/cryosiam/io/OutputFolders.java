package org.cryosiam.io;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.cryosiam.CryosiamUserException;

/**
 * Checks before any work that an output folder can be written, so that a long run does not fail after its first
 * tomogram. The check writes and deletes a probe file (permission bits alone do not tell: ACLs, read-only mounts,
 * root); a folder that does not exist yet is checked in its nearest existing parent, and is not created.
 */
public final class OutputFolders {
    private OutputFolders() {
    }

    /**
     * @param folder the output folder
     * @param what   how the user named it, e.g. {@code prediction_folder} or {@code --output_dir}
     */
    public static void checkWritable(Path folder, String what) {
        Path dir = folder.toAbsolutePath().normalize();
        while (dir != null && !Files.exists(dir)) {
            dir = dir.getParent();
        }
        if (dir == null) {
            return;
        }
        if (!Files.isDirectory(dir)) {
            throw new CryosiamUserException(folder + " (" + what + "): " + dir + " is a file, not a folder.");
        }
        try {
            Path probe = Files.createTempFile(dir, ".cryosiam-write-check", ".tmp");
            Files.delete(probe);
        } catch (AccessDeniedException e) {
            throw new CryosiamUserException(folder + " (" + what + "): permission denied, cannot write to " + dir
                    + "; choose another folder or change its permissions.", e);
        } catch (IOException e) {
            throw new CryosiamUserException(folder + " (" + what + "): cannot write to " + dir + " ("
                    + e.getMessage() + ").", e);
        }
    }
}
