package org.cryosiam.workflow;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.config.Config;
import org.cryosiam.io.InputFiles;

/** The training commands' file rule (the reference's): label files of {@code labels_folder}, limited to {@code
 * train_files} and {@code val_files} when {@code train_files} is given; sorted. */
public final class TrainingFiles {
    private TrainingFiles() {
    }

    public static List<String> labelFiles(Config cfg, Path folder) {
        String ext = cfg.string("file_extension");
        if (!Files.isDirectory(folder)) {
            throw new CryosiamUserException(cfg.source() + ": the labels folder " + folder + " does not exist.");
        }
        List<String> files;
        try (Stream<Path> s = Files.list(folder)) {
            files = s.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(ext)).sorted().toList();
        } catch (IOException e) {
            throw new CryosiamUserException(folder + ": cannot list (" + e.getMessage() + ").");
        }
        List<String> train = cfg.stringListOrNull("train_files");
        if (train != null) {
            List<String> val = cfg.stringListOrNull("val_files");
            List<String> keep = new ArrayList<>();
            for (String f : files) {
                if (train.contains(f) || (val != null && val.contains(f))) {
                    keep.add(f);
                }
            }
            files = keep;
        }
        if (files.isEmpty()) {
            throw new CryosiamUserException(cfg.source() + ": no " + ext + " label files to process in " + folder + ".");
        }
        return files;
    }

    public static String stem(Config cfg, String file) {
        return InputFiles.stem(file, cfg.string("file_extension"));
    }
}
