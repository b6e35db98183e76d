package org.cryosiam.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.cryosiam.checkpoint.CheckpointWriterTest;
import org.cryosiam.nn.Param;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;

/** The one-cycle schedule and the optimisers against PyTorch itself (Debian's python3-torch). */
class OptimizerScheduleTest {
    @Test
    void oneCycleMatchesTorch() {
        OneCycle oc = new OneCycle(0.01, 23);
        String out = CheckpointWriterTest.python(String.join("\n",
                "import torch",
                "p = torch.nn.Parameter(torch.zeros(1))",
                "o = torch.optim.AdamW([p], lr=0.01)",
                "s = torch.optim.lr_scheduler.OneCycleLR(o, max_lr=0.01, total_steps=23, anneal_strategy='cos')",
                "r = []",
                "for i in range(23):",
                "    g = o.param_groups[0]",
                "    r.append('%.12g %.12g' % (g['lr'], g['betas'][0]))",
                "    o.step(); s.step()",
                "print('\\n'.join(r))"));
        String[] lines = out.split("\n");
        assertEquals(23, lines.length);
        for (int i = 0; i < 23; i++) {
            String[] v = lines[i].split(" ");
            assertEquals(Double.parseDouble(v[0]), oc.lr(i), 1e-12, "lr at step " + i);
            assertEquals(Double.parseDouble(v[1]), oc.momentum(i), 1e-12, "momentum at step " + i);
        }
    }

    /** Five steps of each optimiser on f(p) = sum(c * p^2) with the schedule's lr and momentum, against torch. */
    @ParameterizedTest
    @EnumSource(Optimizer.Kind.class)
    void optimizerMatchesTorch(Optimizer.Kind kind) {
        float[] p0 = {0.5f, -1.25f, 2f, 0.1f};
        float[] c = {1f, 2f, -0.5f, 3f};
        String torchName = kind == Optimizer.Kind.SGD ? "SGD(params, lr=0.05, momentum=0.9, weight_decay=0.01)"
                : kind == Optimizer.Kind.ADAM ? "Adam(params, lr=0.05, weight_decay=0.01)"
                : "AdamW(params, lr=0.05, weight_decay=0.01)";
        String out = CheckpointWriterTest.python(String.join("\n",
                "import torch",
                "torch.set_default_dtype(torch.float64)",
                "p = torch.nn.Parameter(torch.tensor([0.5, -1.25, 2.0, 0.1]))",
                "c = torch.tensor([1.0, 2.0, -0.5, 3.0])",
                "params = [p]",
                "o = torch.optim." + torchName,
                "s = torch.optim.lr_scheduler.OneCycleLR(o, max_lr=0.05, total_steps=5, anneal_strategy='cos')",
                "for i in range(5):",
                "    o.zero_grad(); (c * p * p).sum().backward(); o.step(); s.step()",
                "print(' '.join('%.10g' % v for v in p.detach().tolist()))"));
        String[] want = out.split(" ");
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            Param param = org.cryosiam.nn.TestParams.of(m.create(toDouble(p0)));
            Map<String, Param> trained = new LinkedHashMap<>();
            trained.put("p", param);
            Optimizer opt = new Optimizer(kind, 0.01, List.of("p"), trained, m);
            opt.attachGradients();
            OneCycle oc = new OneCycle(0.05, 5);
            NDArray cc = m.create(toDouble(c));
            for (int i = 0; i < 5; i++) {
                try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                    NDArray v = param.value();
                    gc.backward(cc.mul(v).mul(v).sum());
                }
                opt.step(oc.lr(i), kind == Optimizer.Kind.SGD ? oc.momentum(i) : oc.momentum(i));
            }
            double[] got = param.value().toDoubleArray();
            for (int i = 0; i < 4; i++) {
                assertEquals(Double.parseDouble(want[i]), got[i], 1e-8, // float64 both sides; torch keeps step counts in float32 tensors
                         String.format(Locale.ROOT, "%s p[%d]", kind, i));
            }
        }
    }

    static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
