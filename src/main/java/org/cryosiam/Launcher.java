package org.cryosiam;

import java.nio.file.Files;
import java.nio.file.Path;

/** How scripts that this program writes (the demo's commands.sh, Slurm job scripts) call it again. */
public final class Launcher {
    private Launcher() {
    }

    /** {@link #words} as one line (for scripts that quote nothing: the demo's paths have no spaces). */
    public static String command() {
        return String.join(" ", words());
    }

    /**
     * The checkout's {@code bin/cryosiam} beside the jar's {@code target/} when it exists, else {@code java -jar}
     * with the jar's absolute path, else plain {@code cryosiam} (on PATH).
     */
    public static java.util.List<String> words() {
        try {
            Path jar = Path.of(Launcher.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .toAbsolutePath();
            Path bin = jar.getParent() == null || jar.getParent().getParent() == null ? null
                    : jar.getParent().getParent().resolve("bin").resolve("cryosiam");
            if (bin != null && Files.isExecutable(bin)) {
                return java.util.List.of(bin.normalize().toString());
            }
            if (Files.isRegularFile(jar) && jar.toString().endsWith(".jar")) {
                return java.util.List.of("java", "-jar", jar.normalize().toString());
            }
        } catch (java.net.URISyntaxException | RuntimeException e) {
            // fall through
        }
        return java.util.List.of("cryosiam");
    }
}
