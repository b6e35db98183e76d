package org.cryosiam.nn;

import java.util.Arrays;

import org.cryosiam.CryosiamUserException;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/**
 * cryosiam {@code BiFPNDecoder}: lateral 1³ convolutions {@code p2..p5}, {@code p6} = ReLU(BN(3³ stride-2 conv of
 * p5)), then {@code fpn_layers} {@link Block}s; the output is {@code p2_out} of the last block. BatchNorms here use
 * eps 4e-5 and PyTorch momentum 0.9997.
 */
public final class BiFpnDecoder extends Decoder {
    static final float BN_EPS = 4e-5f;
    static final float BN_MOMENTUM = 0.9997f;
    /** Added to the column sums of the fusion weights. */
    static final float WEIGHT_EPS = 1e-4f;

    private final Conv3dLayer[] lateral = new Conv3dLayer[4];
    private final ConvBlock p6;
    private final Block[] blocks;

    public BiFpnDecoder(int[] featureChannels, int fpnChannels, int layers) {
        for (int i = 0; i < 4; i++) {
            lateral[i] = child("p" + (i + 2), Conv3dLayer.of(featureChannels[i], fpnChannels, 1, 0, true));
        }
        p6 = child("p6", new ConvBlock(fpnChannels));
        Sequential bifpn = new Sequential();
        blocks = new Block[layers];
        for (int i = 0; i < layers; i++) {
            blocks[i] = new Block(fpnChannels);
            bifpn.add(blocks[i]);
        }
        child("bifpn", bifpn);
    }

    @Override
    public void checkPatchSize(long[] zyx) {
        for (long s : zyx) {
            if (s % 16 != 0) {
                throw new CryosiamUserException("the BiFPN decoder needs patch sizes divisible by 16, got "
                        + Arrays.toString(zyx));
            }
        }
    }

    @Override
    public NDArray forward(NDArray[] f) {
        long[] s = f[0].getShape().getShape();
        checkPatchSize(new long[] {s[2], s[3], s[4]});
        NDArray[] p = new NDArray[5];
        for (int i = 0; i < 4; i++) {
            p[i] = lateral[i].forward(f[i]);
        }
        p[4] = p6.forward(p[3]);
        for (Block b : blocks) {
            p = b.forward(p);
        }
        return p[0];
    }

    /** {@code ConvBlock}: conv (3³, stride 2, pad 1, bias) → BN → ReLU. */
    static final class ConvBlock extends Layer {
        private final Conv3dLayer conv;
        private final BatchNormLayer bn;

        ConvBlock(int c) {
            conv = child("conv", new Conv3dLayer(c, c, 3, 2, 1, 1, true));
            bn = child("bn", new BatchNormLayer(c, true, BN_EPS, BN_MOMENTUM));
        }

        @Override
        public NDArray forward(NDArray x) {
            return Activation.relu(conv.forward(x, bn));
        }
    }

    /** {@code DepthwiseConvBlock}: depthwise 1³ conv (groups = channels) → pointwise 1³ conv → BN → ReLU. */
    static final class DepthwiseConvBlock extends Layer {
        private final Conv3dLayer depthwise;
        private final Conv3dLayer pointwise;
        private final BatchNormLayer bn;

        DepthwiseConvBlock(int c) {
            depthwise = child("depthwise", new Conv3dLayer(c, c, 1, 1, 0, c, false));
            pointwise = child("pointwise", new Conv3dLayer(c, c, 1, 1, 0, 1, false));
            bn = child("bn", new BatchNormLayer(c, true, BN_EPS, BN_MOMENTUM));
        }

        @Override
        public NDArray forward(NDArray x) {
            return Activation.relu(pointwise.forward(depthwise.forward(x), bn));
        }
    }

    /** One {@code BiFPNBlock} on {@code [p2, p3, p4, p5, p6]}. */
    static final class Block extends Layer {
        private final DepthwiseConvBlock[] td = new DepthwiseConvBlock[4]; // p2_td..p5_td
        private final DepthwiseConvBlock[] out = new DepthwiseConvBlock[4]; // p3_out..p6_out
        private final Param w1;
        private final Param w2;

        Block(int c) {
            for (int i = 0; i < 4; i++) {
                td[i] = child("p" + (i + 2) + "_td", new DepthwiseConvBlock(c));
            }
            for (int i = 0; i < 4; i++) {
                out[i] = child("p" + (i + 3) + "_out", new DepthwiseConvBlock(c));
            }
            w1 = parameter("w1", 2, 4);
            w2 = parameter("w2", 3, 4);
        }

        @Override
        public NDArray forward(NDArray x) {
            throw new UnsupportedOperationException("a BiFPN block takes five levels");
        }

        private static NDArray normalise(NDArray w) {
            NDArray r = Activation.relu(w);
            return r.div(r.sum(new int[] {0}, true).add(WEIGHT_EPS));
        }

        NDArray[] forward(NDArray[] p) {
            NDArray a = normalise(w1.get());
            NDArray b = normalise(w2.get());
            NDArray[] ptd = new NDArray[5];
            ptd[4] = p[4];
            for (int lvl = 3; lvl >= 0; lvl--) { // p5_td (column 0) … p2_td (column 3)
                int col = 3 - lvl;
                NDArray fused = p[lvl].mul(a.get(0, col)).add(Resize.nearestUp2(ptd[lvl + 1]).mul(a.get(1, col)));
                ptd[lvl] = td[lvl].forward(fused);
            }
            NDArray[] po = new NDArray[5];
            po[0] = ptd[0];
            for (int lvl = 1; lvl <= 4; lvl++) { // p3_out (column 0) … p6_out (column 3)
                int col = lvl - 1;
                NDArray fused = p[lvl].mul(b.get(0, col)).add(ptd[lvl].mul(b.get(1, col)))
                        .add(Resize.nearestDown2(po[lvl - 1]).mul(b.get(2, col)));
                po[lvl] = out[lvl - 1].forward(fused);
            }
            return po;
        }
    }
}
