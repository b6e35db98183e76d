package org.cryosiam.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.cryosiam.checkpoint.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import ai.djl.Device;
import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Every module frees its intermediates as the pass goes: called outside {@link Network#forward}'s safety scope, a
 * module leaves nothing alive but its input and its outputs, in inference and in training mode; and a whole forward
 * pass leaves nothing behind in the weights' manager.
 */
class IntermediatesTest {
    static NDManager m;

    @BeforeAll
    static void start() {
        System.setProperty("ai.djl.offline", "true");
        m = NDManager.newBaseManager(Device.cpu());
    }

    @AfterAll
    static void stop() {
        m.close();
    }

    private static int live(NDManager manager) {
        return ((BaseNDManager) manager).getManagedArrays().size();
    }

    @Test
    void modulesLeaveOnlyTheirInputAndOutputsAlive() {
        for (String[] arch : new String[][] {{"bottleneck", "fpn"}, {"basic", "fpn"}, {"basic", "bifpn"}}) {
            Map<String, Object> net = SyntheticNetworkTest.network(arch[0], arch[1], true);
            Map<String, Tensor> sd = SyntheticNetworkTest.semanticStateDict(net, true);
            try (Network n = Networks.build("syn.ckpt", sd, SyntheticNetworkTest.semanticHp(net), Device.cpu(), true)) {
                DenseSimSiam backbone = (DenseSimSiam) n.root().children().get("_model_backbone");
                Heads heads = (Heads) n.root().children().get("_model");
                for (boolean training : new boolean[] {false, true}) {
                    n.setTraining(training);
                    try (NDManager pass = m.newSubManager()) {
                        NDArray x = pass.randomNormal(new Shape(2, 1, 16, 16, 32));
                        NDArray z = backbone.forward(x);
                        String what = String.join("/", arch) + (training ? " training" : " inference");
                        assertEquals(2, live(pass), what + ": only the input and z are alive after the backbone");
                        Map<String, NDArray> out = heads.forward(z);
                        assertEquals(2 + out.size(), live(pass), what + ": only x, z and the head outputs after the heads");
                    }
                }
                n.setTraining(false);
            }
        }
    }

    @Test
    void aForwardPassLeavesTheWeightsManagerAsItWas() {
        Map<String, Object> net = SyntheticNetworkTest.network("basic", "bifpn", true);
        Map<String, Tensor> sd = SyntheticNetworkTest.semanticStateDict(net, true);
        try (Network n = Networks.build("syn.ckpt", sd, SyntheticNetworkTest.semanticHp(net), Device.cpu(), true);
             NDManager pass = m.newSubManager()) {
            NDArray x = pass.randomNormal(new Shape(1, 1, 16, 16, 16));
            n.forward(x).values().forEach(NDArray::close); // folds the BatchNorms once
            int weights = live(n.manager());
            for (int i = 0; i < 3; i++) {
                Map<String, NDArray> out = n.forward(x);
                assertTrue(List.of("z", "semantic", "distance").containsAll(out.keySet()));
                out.values().forEach(NDArray::close);
            }
            assertEquals(weights, live(n.manager()), "no array left in the weights' manager");
            assertEquals(1, live(pass), "only the input is left in the caller's manager");
        }
    }
}
