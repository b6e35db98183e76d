package org.cryosiam.nn;

/**
 * The head stack shared by {@code CNNHead}, {@code SemanticHeads} and {@code InstanceHeads}:
 * {@code conv(k) → BN → ReLU → conv(k) → BN → ReLU → conv(k)} (indices 0, 1, 3, 4, 6), all convolutions with bias.
 */
public final class HeadStack extends Sequential {
    /** Widths and kernel of one stack. */
    public record Spec(int in, int filters0, int filters1, int out, int kernel, int padding) {
    }

    private final Spec spec;

    public HeadStack(Spec s) {
        super(Conv3dLayer.of(s.in(), s.filters0(), s.kernel(), s.padding(), true),
                new BatchNormLayer(s.filters0()),
                new Relu(),
                Conv3dLayer.of(s.filters0(), s.filters1(), s.kernel(), s.padding(), true),
                new BatchNormLayer(s.filters1()),
                new Relu(),
                Conv3dLayer.of(s.filters1(), s.out(), s.kernel(), s.padding(), true));
        this.spec = s;
    }

    public Spec spec() {
        return spec;
    }
}
