package org.cryosiam;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The product's version, from {@code version.properties} (filled in by Maven from the POM). */
public final class ProductVersion {
    private static final String VERSION = load();

    private ProductVersion() {
    }

    /** e.g. {@code 0.1.0}; {@code dev} when the resource is missing or unfiltered. */
    public static String get() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = ProductVersion.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("version", "");
                if (!v.isBlank() && !v.contains("${")) {
                    return v.trim();
                }
            }
        } catch (IOException ignored) {
            // fall through
        }
        return "dev";
    }
}
