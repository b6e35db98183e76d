package org.cryosiam.nn;

import java.util.ArrayList;
import java.util.List;

import ai.djl.ndarray.NDArray;

/** {@code nn.Sequential}: children named {@code 0, 1, 2, …} applied in order. */
public class Sequential extends Layer {
    private final List<Layer> layers = new ArrayList<>();

    public Sequential(Layer... layers) {
        for (Layer l : layers) {
            add(l);
        }
    }

    public final Sequential add(Layer l) {
        child(Integer.toString(layers.size()), l);
        layers.add(l);
        return this;
    }

    public final Layer get(int i) {
        return layers.get(i);
    }

    public final int size() {
        return layers.size();
    }

    /**
     * Applies the layers in order, freeing each intermediate result as soon as the next layer has consumed it; a
     * convolution followed by a BatchNorm runs as one (folded in inference).
     */
    @Override
    public NDArray forward(NDArray x) {
        NDArray y = x;
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            NDArray next;
            if (l instanceof Conv3dLayer && i + 1 < layers.size() && layers.get(i + 1) instanceof BatchNormLayer) {
                next = ((Conv3dLayer) l).forward(y, (BatchNormLayer) layers.get(++i));
            } else {
                next = l.forward(y);
            }
            Intermediates.release(y, x, next);
            y = next;
        }
        return y;
    }
}
