package org.cryosiam.workflow;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.cryosiam.CryosiamUserException;
import org.cryosiam.checkpoint.Checkpoint;
import org.cryosiam.checkpoint.Tensor;
import org.cryosiam.nn.Module;
import org.cryosiam.nn.Network;

/**
 * The reference loads its networks with a strict {@code load_state_dict}: a checkpoint that lacks a tensor of the
 * module fails, even one that prediction does not use (the backbone's projectors). Networks.build checks the tensors
 * the prediction path needs and lets the tensors decide where versions differ (a downsample bias); this adds what a
 * strict load also refuses, so a damaged checkpoint never runs with a layer silently missing.
 */
public final class StrictLoad {
    private static final Pattern DOWNSAMPLE = Pattern.compile("(.*encoder\\.layer[0-9]+\\.0\\.downsample\\.0\\.)weight");

    private StrictLoad() {
    }

    public static void check(Checkpoint ckpt, Network net) {
        Map<String, Tensor> sd = ckpt.stateDict();
        for (Module.Entry e : net.root().stateEntries()) {
            if (!sd.containsKey(e.name())) {
                throw missing(ckpt, e.name(), "the network its config describes has it");
            }
        }
        // one MONAI version has a bias on every downsample convolution, another on none: never on some
        String withBias = null, withoutBias = null;
        for (String k : sd.keySet()) {
            Matcher m = DOWNSAMPLE.matcher(k);
            if (m.matches()) {
                if (sd.containsKey(m.group(1) + "bias")) {
                    withBias = k;
                } else if (withoutBias == null) {
                    withoutBias = m.group(1) + "bias";
                }
            }
        }
        if (withBias != null && withoutBias != null) {
            throw missing(ckpt, withoutBias, "the other downsample convolutions have a bias");
        }
    }

    private static CryosiamUserException missing(Checkpoint ckpt, String name, String why) {
        return new CryosiamUserException(ckpt.file() + ": tensor " + name + " is missing from the state_dict (" + why
                + "; the checkpoint is incomplete or damaged).");
    }
}
