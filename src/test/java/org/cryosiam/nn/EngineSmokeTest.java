package org.cryosiam.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EngineSmokeTest {
    @Test
    void conv3dRuns() {
        System.setProperty("ai.djl.offline", "true");
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.ones(new Shape(1, 1, 4, 4, 4));
            NDArray w = m.ones(new Shape(2, 1, 3, 3, 3));
            NDArray y = ai.djl.nn.convolutional.Conv3d.conv3d(x, w, null, new Shape(1, 1, 1), new Shape(1, 1, 1), new Shape(1, 1, 1), 1).singletonOrThrow();
            assertEquals(new Shape(1, 2, 4, 4, 4), y.getShape());
            assertEquals(27f, y.get(0, 0, 1, 1, 1).getFloat(), 1e-6);
            System.out.println("engine " + m.getEngine().getEngineName() + " " + m.getEngine().getVersion());
        }
    }
}
