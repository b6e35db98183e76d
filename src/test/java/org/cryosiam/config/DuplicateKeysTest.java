package org.cryosiam.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Keys given twice (issue 28, item 15): the last value is used, as PyYAML does, and a warning names both lines. */
class DuplicateKeysTest {
    private static final String YAML = String.join("\n",
            "data_folder: a",
            "parameters:",
            "  data:",
            "    min: 0",
            "    max: 1",
            "    min: 0.5",
            "  network: {threshold: 0.3}",
            "data_folder: b",
            "other:",
            "  min: 3", // the same name in another mapping is no duplicate
            "");

    @Test
    void theLastValueCountsAndBothLinesAreNamed() {
        Config cfg = Config.parse(YAML, "c.yaml");
        assertEquals("b", cfg.string("data_folder"));
        assertEquals(0.5, cfg.number("parameters.data.min"));
        assertEquals(List.of(new Config.DuplicateKey("parameters.data.min", 4, 6),
                new Config.DuplicateKey("data_folder", 1, 8)), cfg.duplicateKeys());
        List<String> warnings = ConfigKeys.check(cfg).warnings();
        assertEquals("c.yaml: parameters.data.min is given twice, at lines 4 and 6; the value at line 6 is used (as "
                + "the Python tool does).", warnings.get(0));
        assertEquals(cfg.duplicateKeys(), cfg.with("data_folder", "c").duplicateKeys(), "kept when a value is set");
        assertEquals(List.of(), Config.parse("a: 1\nb: {a: 2}\n", "x").duplicateKeys());
    }
}
