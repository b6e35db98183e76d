package org.cryosiam.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
