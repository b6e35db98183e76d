package org.cryosiam.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SemanticPredictionTest {
    @Test
    void withoutInternalFilesOnlyTheLabelsAreStitched() {
        // multi-class, no internal files: one channel (labels) per patch and one full-size map
        assertEquals(1, new SemanticPrediction.Layout(14, false, false, false).channels());
        // lamella post-processing without internal files: labels and the first probability
        assertEquals(2, new SemanticPrediction.Layout(1, false, true, false).channels());
        // internal files: labels, C probabilities, C distances
        SemanticPrediction.Layout all = new SemanticPrediction.Layout(4, true, false, true);
        assertEquals(9, all.channels());
        assertEquals(5, all.distances0());
    }

    @Test
    void labelsThatCollapseToOneClassAreFound() {
        long[] counts = new long[256];
        counts[0] = 100;
        assertTrue(SemanticPrediction.collapse("T", counts, 1, -1, false, 0.5)
                .startsWith("T: every voxel of the labels is class 0 (the model has 1 class); check threshold"));
        counts[1] = 100;
        assertEquals(null, SemanticPrediction.collapse("T", counts, 1, -1, false, 0.5),
                "a lamella model may cover half the volume");
        assertTrue(SemanticPrediction.collapse("T", counts, 4, -1, false, 0.5)
                .startsWith("T: the labels hold class 1 only, over 50.0 % of the volume"));
        assertEquals(null, SemanticPrediction.collapse("T", counts, 4, 300, false, 0.5),
                "a third of the lamella mask");
        counts[2] = 1;
        assertEquals(null, SemanticPrediction.collapse("T", counts, 4, -1, false, 0.5));
    }
}
