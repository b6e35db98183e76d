package org.cryosiam.nn;

import java.util.function.IntPredicate;

import ai.djl.ndarray.NDArray;

/**
 * cryosiam {@code SimSiam} (embeddings): a ResNet encoder whose {@code fc} is the 3-layer projector, giving
 * {@code z}; and the 2-layer {@code predictor}, {@code p = normalize(predictor(z))} (L2 over features, eps 1e-12).
 */
public final class SimSiam extends Module {
    public record Spec(ResNetEncoder.Spec encoder, int dim, int predDim) {
    }

    private final Spec spec;
    private final ResNetEncoder encoder;
    private final Sequential predictor;

    public SimSiam(Spec spec, IntPredicate downsampleBias) {
        this.spec = spec;
        int prev = spec.encoder().featureChannels(3);
        Sequential fc = new Sequential(new LinearLayer(prev, prev, false), new BatchNormLayer(prev), new Relu(),
                new LinearLayer(prev, prev, false), new BatchNormLayer(prev), new Relu(),
                new LinearLayer(prev, spec.dim(), true),
                new BatchNormLayer(spec.dim(), false, BatchNormLayer.DEFAULT_EPS, BatchNormLayer.DEFAULT_MOMENTUM));
        encoder = child("encoder", new ResNetEncoder(spec.encoder(), downsampleBias, fc, false));
        predictor = child("predictor", new Sequential(new LinearLayer(spec.dim(), spec.predDim(), false),
                new BatchNormLayer(spec.predDim()), new Relu(), new LinearLayer(spec.predDim(), spec.dim(), true)));
    }

    public Spec spec() {
        return spec;
    }

    /** {@code z = encoder(x)}, {@code N × dim}. */
    public NDArray encode(NDArray x) {
        return encoder.forwardGlobal(x);
    }

    /** {@code p = normalize(predictor(z))}. */
    public NDArray predict(NDArray z) {
        NDArray q = predictor.forward(z);
        return Intermediates.replace(q, q.normalize(2, 1, 1e-12));
    }
}
