package org.cryosiam.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.cryosiam.CryosiamUserException;

/**
 * The reference's rule for which inputs a command processes: {@code test_files} when given, else every file in the
 * data folder ending with the extension, sorted by name; {@code --filename} narrows it to one file: a name, a path
 * to a file directly inside the data folder (any spelling), or (ours) a 1-based index into the list or a name without
 * the extension. A path elsewhere is refused: outputs are named after the input, and a path taken as a name once
 * wrote over the input.
 */
public final class InputFiles {
    private InputFiles() {
    }

    /**
     * @param folder    the data folder
     * @param extension the suffix files must end with (e.g. {@code .mrc})
     * @param testFiles file names from the config, or null
     * @param filename  the {@code --filename} value, or null
     * @return file names (not paths) in processing order
     */
    public static List<String> select(Path folder, String extension, List<String> testFiles, String filename) {
        List<String> names;
        if (testFiles != null) {
            names = new ArrayList<>(testFiles);
        } else {
            if (!Files.isDirectory(folder)) {
                throw new CryosiamUserException(folder + ": data folder not found.");
            }
            try (Stream<Path> s = Files.list(folder)) {
                names = s.map(p -> p.getFileName().toString())
                        .filter(n -> n.endsWith(extension))
                        .sorted()
                        .collect(java.util.stream.Collectors.toList());
            } catch (IOException e) {
                throw new CryosiamUserException(folder + ": cannot list the data folder (" + e.getMessage() + ").");
            }
            if (names.isEmpty()) {
                throw new CryosiamUserException(folder + ": no file name ends with file_extension '" + extension
                        + "'" + otherExtensions(folder) + ", so there is nothing to do; check data_folder and "
                        + "file_extension in the config.");
            }
        }
        if (filename == null) {
            return names;
        }
        if (!filename.matches("[0-9]+") && !names.contains(filename) && names.contains(filename + extension)) {
            return List.of(filename + extension); // the stem alone, e.g. a copick run's name
        }
        if (filename.matches("[0-9]+") && !names.contains(filename)) {
            int i = Integer.parseInt(filename);
            if (i < 1 || i > names.size()) {
                throw new CryosiamUserException("--filename " + filename + ": index out of range, " + folder
                        + " has " + names.size() + " input file(s).");
            }
            return List.of(names.get(i - 1));
        }
        return List.of(nameInFolder(folder, filename));
    }

    /** " (it holds .rec files)" naming the suffixes present, or "" for an empty folder. */
    private static String otherExtensions(Path folder) {
        java.util.Set<String> found = new java.util.TreeSet<>();
        try (Stream<Path> s = Files.list(folder)) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.lastIndexOf('.') > 0 && !n.startsWith("."))
                    .forEach(n -> found.add(n.substring(n.lastIndexOf('.'))));
        } catch (IOException e) {
            return "";
        }
        return found.isEmpty() ? " (the folder is empty)"
                : " (it holds " + String.join(", ", new ArrayList<>(found).subList(0, Math.min(5, found.size())))
                        + " files)";
    }

    /** The name of {@code filename} inside {@code folder} when it is written as a path; refuses paths elsewhere. */
    private static String nameInFolder(Path folder, String filename) {
        Path given = Path.of(filename);
        if (!given.isAbsolute() && given.getNameCount() == 1) {
            return filename;
        }
        Path file = given.getFileName();
        // relative paths as the shell means them (from the working directory) or as the data folder would
        for (Path candidate : new Path[] {given.toAbsolutePath(), folder.resolve(given)}) {
            Path parent = candidate.getParent();
            if (file != null && parent != null && sameFolder(parent, folder)) {
                return file.toString();
            }
        }
        throw new CryosiamUserException("--filename " + filename + ": not a file of the data folder " + folder
                + "; give a file name, a path inside that folder, or a 1-based index.");
    }

    private static boolean sameFolder(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
        }
    }

    /** The stem of a file name: the name without the given extension (or without its last dot-suffix). */
    public static String stem(String fileName, String extension) {
        if (extension != null && !extension.isEmpty() && fileName.endsWith(extension)) {
            return fileName.substring(0, fileName.length() - extension.length());
        }
        int dot = fileName.lastIndexOf('.');
        return dot > 0 ? fileName.substring(0, dot) : fileName;
    }
}
