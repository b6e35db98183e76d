package org.cryosiam.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The inputs of earlier campaigns that broke the property (now fixed), replayed on every build: a jhdf header
 * length that allocated hundreds of MiB, chunk dimensions of 0 or 2^27, jhdf exception text in a message, SnakeYAML
 * and CSV column text with a line break in the message, Jackson's Java text in a message on JSON, copick
 * coordinates beyond a voxel index.
 */
class FuzzRegressionTest {
    private static final Map<String, Campaign.Target> TARGETS = Map.of("hdf5", ParserFuzzTest.hdf5Target(),
            "yaml", ParserFuzzTest.yamlTarget(), "csv", ParserFuzzTest.csvTarget(),
            "relion5", FieldFormatsFuzzTest.relion5Target());

    @TempDir
    Path dir;

    @Test
    void earlierFailuresNowKeepTheProperty() throws Exception {
        String[] names = {"hdf5-34.h5", "hdf5-83.h5", "hdf5-1716.h5", "hdf5-1996.h5", "hdf5-2194.h5", "hdf5-2862.h5",
            "hdf5-7553.h5", "yaml-2480.yaml", "yaml-3671.yaml", "csv-6844.csv", "relion5-19.star",
            "relion5-1467.star"};
        for (String name : names) {
            Path f = dir.resolve("regression-" + name);
            try (InputStream in = getClass().getResourceAsStream("/fuzz/regressions/" + name)) {
                Files.write(f, in.readAllBytes());
            }
            String outcome = Campaign.check(TARGETS.get(name.substring(0, name.indexOf('-'))), f);
            assertTrue(outcome.equals("read") || outcome.equals("refused"), name + ": " + outcome);
        }
    }
}
