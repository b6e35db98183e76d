package org.cryosiam.nn;

import java.util.function.IntPredicate;

import ai.djl.ndarray.NDArray;

/**
 * cryosiam {@code DenseSimSiam}, the dense backbone: ResNet encoder → decoder (FPN or BiFPN) → {@code projector} →
 * {@code z} ({@code dense_dim} channels at full resolution). The global projector/predictor, the dense predictor and
 * the level projectors/predictors are registered as auxiliary modules: loaded and checked when present, kept for
 * training and saving, unused by prediction.
 */
public final class DenseSimSiam extends Layer {
    /** The backbone configuration ({@code backbone_config.parameters.network}). */
    public record Spec(ResNetEncoder.Spec encoder, int fpnChannels, int dim, int predDim, int denseDim,
            int densePredDim, boolean includeLevels, boolean laterConv, String decoderType, int fpnLayers) {
    }

    private final Spec spec;
    private final ResNetEncoder encoder;
    private final Decoder decoder;
    private final Sequential projector;

    public DenseSimSiam(Spec spec, IntPredicate downsampleBias) {
        this.spec = spec;
        ResNetEncoder.Spec es = spec.encoder();
        int prev = es.featureChannels(3);
        LinearLayer fc = new LinearLayer(prev, spec.dim(), true);
        encoder = child("encoder", new ResNetEncoder(es, downsampleBias, fc, true));
        int[] fch = new int[4];
        for (int i = 0; i < 4; i++) {
            fch[i] = es.featureChannels(i);
        }
        if ("bifpn".equals(spec.decoderType())) {
            decoder = child("decoder", new BiFpnDecoder(fch, spec.fpnChannels(), spec.fpnLayers()));
        } else {
            decoder = child("decoder", new FpnDecoder(fch, spec.fpnChannels(), spec.laterConv()));
        }
        child("global_projector", new Sequential(new LinearLayer(prev, prev, false), new BatchNormLayer(prev),
                new Relu(), new LinearLayer(prev, prev, false), new BatchNormLayer(prev), new Relu(), fc,
                new BatchNormLayer(spec.dim(), false, BatchNormLayer.DEFAULT_EPS, BatchNormLayer.DEFAULT_MOMENTUM)),
                true);
        child("global_predictor", new Sequential(new LinearLayer(spec.dim(), spec.predDim(), false),
                new BatchNormLayer(spec.predDim()), new Relu(), new LinearLayer(spec.predDim(), spec.dim(), true)),
                true);
        projector = child("projector", projector(spec.fpnChannels(), spec.denseDim()));
        child("predictor", predictor(spec.denseDim(), spec.densePredDim()), true);
        if (spec.includeLevels()) {
            for (int l : new int[] {2, 4, 8}) {
                child("level_projector_" + l, projector(spec.fpnChannels(), spec.denseDim()), true);
            }
            for (int l : new int[] {2, 4, 8}) {
                child("level_predictor_" + l, predictor(spec.denseDim(), spec.densePredDim()), true);
            }
        }
    }

    private static Sequential projector(int fpn, int dense) {
        return new Sequential(Conv3dLayer.of(fpn, fpn, 1, 0, false), new BatchNormLayer(fpn), new Relu(),
                Conv3dLayer.of(fpn, fpn, 1, 0, false), new BatchNormLayer(fpn), new Relu(),
                Conv3dLayer.of(fpn, dense, 1, 0, true),
                new BatchNormLayer(dense, false, BatchNormLayer.DEFAULT_EPS, BatchNormLayer.DEFAULT_MOMENTUM));
    }

    private static Sequential predictor(int dense, int densePred) {
        return new Sequential(Conv3dLayer.of(dense, densePred, 1, 0, false), new BatchNormLayer(densePred),
                new Relu(), Conv3dLayer.of(densePred, dense, 1, 0, true));
    }

    public Spec spec() {
        return spec;
    }

    public Decoder decoder() {
        return decoder;
    }

    /** {@code z} = projector(decoder(encoder features)), {@code N × dense_dim × D × H × W}. */
    @Override
    public NDArray forward(NDArray x) {
        NDArray[] features = encoder.features(x);
        NDArray decoded = decoder.forward(features);
        for (NDArray f : features) {
            Intermediates.release(f, decoded);
        }
        return Intermediates.replace(decoded, projector.forward(decoded));
    }
}
