package org.cryosiam.nn;

import java.util.function.IntPredicate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.pooling.Pool;

/**
 * MONAI 1.3 {@code ResNet} (3-D, {@code conv1} 7³ stride 1, shortcut B) as used by cryosiam: {@code conv1 bn1}
 * ReLU, optional max pooling, {@code layer1..layer4}, global average pooling and {@code fc}. The dense models read
 * the outputs of the four layers ({@code res2..res5}); SimSiam replaces {@code fc} by its projector.
 */
public final class ResNetEncoder extends Module {
    /** Architecture of the encoder, straight from the config. */
    public record Spec(boolean bottleneck, int[] numLayers, int[] numFilters, int inChannels, boolean noMaxPool) {
        public int expansion() {
            return bottleneck ? 4 : 1;
        }

        /** Channels of {@code res2..res5}. */
        public int featureChannels(int level) {
            return numFilters[level] * expansion();
        }
    }

    private final Spec spec;
    private final Conv3dLayer conv1;
    private final BatchNormLayer bn1;
    private final Sequential[] layers = new Sequential[4];
    private Layer fc;

    /**
     * @param downsampleBias for layer index 0..3, whether its {@code downsample.0} has a bias
     * @param fc the module stored as {@code fc}, or null for none
     * @param fcAuxiliary whether {@code fc} is outside the prediction path
     */
    public ResNetEncoder(Spec spec, IntPredicate downsampleBias, Layer fc, boolean fcAuxiliary) {
        this.spec = spec;
        conv1 = child("conv1", new Conv3dLayer(spec.inChannels(), spec.numFilters()[0], 7, 1, 3, 1, false));
        bn1 = child("bn1", new BatchNormLayer(spec.numFilters()[0]));
        int inPlanes = spec.numFilters()[0];
        for (int i = 0; i < 4; i++) {
            Sequential layer = new Sequential();
            int planes = spec.numFilters()[i];
            for (int j = 0; j < spec.numLayers()[i]; j++) {
                int stride = (i > 0 && j == 0) ? 2 : 1;
                layer.add(new ResNetBlock(spec.bottleneck(), inPlanes, planes, stride, downsampleBias.test(i)));
                inPlanes = planes * spec.expansion();
            }
            layers[i] = child("layer" + (i + 1), layer);
        }
        if (fc != null) {
            this.fc = child("fc", fc, fcAuxiliary);
        }
    }

    public Spec spec() {
        return spec;
    }

    /** {@code res2..res5}: the outputs of layer1..layer4, at strides 1, 2, 4, 8 (without max pooling). */
    public NDArray[] features(NDArray x) {
        NDArray conv = conv1.forward(x, bn1);
        NDArray stem = Intermediates.replace(conv, Activation.relu(conv));
        if (!spec.noMaxPool()) {
            stem = Intermediates.replace(stem,
                    Pool.maxPool3d(stem, new Shape(3, 3, 3), new Shape(2, 2, 2), new Shape(1, 1, 1), false));
        }
        NDArray[] out = new NDArray[4];
        out[0] = Intermediates.replace(stem, layers[0].forward(stem));
        for (int i = 1; i < 4; i++) {
            out[i] = layers[i].forward(out[i - 1]);
        }
        return out;
    }

    /** {@code fc(avgpool(res5))}: the global vector, {@code N × dim}. */
    public NDArray forwardGlobal(NDArray x) {
        NDArray[] f = features(x);
        for (int i = 0; i < 3; i++) {
            f[i].close();
        }
        Shape s = f[3].getShape();
        // AdaptiveAvgPool3d(1) + flatten; one-axis mean (the PyTorch bridge reduces one axis at a time)
        NDArray pooled = Intermediates.replace(f[3], f[3].reshape(s.get(0), s.get(1), -1).mean(new int[] {2}));
        return Intermediates.replace(pooled, fc.forward(pooled));
    }
}
