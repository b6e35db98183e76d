package org.cryosiam.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.cryosiam.CryosiamUserException;
import org.junit.jupiter.api.Test;

class MemoryPlanTest {
    private static final long MB = 1L << 20;
    private static final long GB = 1L << 30;

    /** 1024x1024x512, 64³ patches, one output channel, default-width denoiser (widest activation 268 MB). */
    private static MemoryPlan.Workload bigDenoise(boolean together) {
        return new MemoryPlan.Workload(new int[] {512, 1024, 1024}, new int[] {64, 64, 64}, 1, 1, 0, 200 * MB,
                268 * MB, together);
    }

    @Test
    void sizesParseWithUnits() {
        assertEquals(4 * GB, MemoryPlan.parseSize("4G"));
        assertEquals(4 * GB, MemoryPlan.parseSize("4gb"));
        assertEquals(1500 * MB, MemoryPlan.parseSize("1500M"));
        assertEquals((long) (2.5 * GB), MemoryPlan.parseSize("2.5GiB"));
        assertEquals(123, MemoryPlan.parseSize("123"));
        for (String bad : new String[] {"", "G", "-1G", "0", "4X", "lots"}) {
            CryosiamUserException e = assertThrows(CryosiamUserException.class, () -> MemoryPlan.parseSize(bad));
            assertTrue(e.getMessage().contains("not a memory size"), e.getMessage());
        }
    }

    @Test
    void theEstimateDoesNotGrowWithTheNumberOfPlanes() {
        MemoryPlan.Workload a = new MemoryPlan.Workload(new int[] {128, 256, 256}, new int[] {32, 32, 32}, 29, 29, 0,
                MB, 4 * MB, true);
        MemoryPlan.Workload b = new MemoryPlan.Workload(new int[] {1024, 256, 256}, new int[] {32, 32, 32}, 29, 29, 0,
                MB, 4 * MB, true);
        assertEquals(MemoryPlan.estimate(a, 4).total(), MemoryPlan.estimate(b, 4).total());
    }

    @Test
    void theBatchGivesWayToTheBudget() {
        MemoryPlan.Workload w = bigDenoise(true);
        MemoryPlan roomy = MemoryPlan.choose(w, 4, 64 * GB, 16 * GB);
        assertEquals(4, roomy.batchSize());
        MemoryPlan tight = MemoryPlan.choose(w, 4, MemoryPlan.estimate(w, 2).total(), 16 * GB);
        assertEquals(2, tight.batchSize());
        assertTrue(tight.describe(5 * GB, 4).contains("batch 2 instead of the configured 4"), tight.describe(5 * GB, 4));
    }

    @Test
    void onePatchThatCannotFitIsRefusedInOneSentence() {
        CryosiamUserException e = assertThrows(CryosiamUserException.class,
                () -> MemoryPlan.choose(bigDenoise(false), 2, GB, 16 * GB));
        assertTrue(e.getMessage().contains("even one patch at a time") && e.getMessage().contains("--max_memory"),
                e.getMessage());
        CryosiamUserException heap = assertThrows(CryosiamUserException.class,
                () -> MemoryPlan.choose(bigDenoise(false), 2, 64 * GB, 100 * MB));
        assertTrue(heap.getMessage().contains("-Xmx"), heap.getMessage());
    }

    @Test
    void aOneSampleAtATimeNetworkPaysForOneSampleOfActivations() {
        long one = MemoryPlan.estimate(bigDenoise(false), 4).networkBytes();
        long all = MemoryPlan.estimate(bigDenoise(true), 4).networkBytes();
        assertEquals(200 * MB + 6 * 268 * MB, one);
        assertEquals(200 * MB + 4 * 6 * 268 * MB, all);
    }
}
