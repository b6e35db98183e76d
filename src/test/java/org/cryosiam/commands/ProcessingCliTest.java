package org.cryosiam.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.cryosiam.Main;
import org.junit.jupiter.api.Test;

/** The five processing commands are registered and explain themselves. */
class ProcessingCliTest {
    @Test
    void everyProcessingCommandHasHelp() {
        for (String c : new String[] {"processing_invert_scale", "processing_create_sphere_mask",
                "processing_create_sphere_mask_multiclass", "processing_create_binary_map_after_sta",
                "processing_create_multiclass_from_binary_masks"}) {
            assertEquals(0, Main.run(c, "--help"), c);
        }
    }
}
