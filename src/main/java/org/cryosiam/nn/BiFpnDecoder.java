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
            NDArray[] next = b.forward(p);
            for (NDArray a : p) {
                Intermediates.release(a, next);
            }
            p = next;
        }
        for (int i = 1; i < 5; i++) {
            p[i].close();
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
            NDArray y = conv.forward(x, bn);
            return Intermediates.replace(y, Activation.relu(y));
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
            NDArray d = depthwise.forward(x);
            NDArray y = Intermediates.replace(d, pointwise.forward(d, bn));
            return Intermediates.replace(y, Activation.relu(y));
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
            NDArray sum = r.sum(new int[] {0}, true);
            NDArray denominator = Intermediates.replace(sum, sum.add(WEIGHT_EPS));
            NDArray out = r.div(denominator);
            r.close();
            denominator.close();
            return out;
        }

        /** {@code Σ inputs[i]·weights[i, col]}; the weighted terms are freed as they are summed. */
        private static NDArray weightedSum(NDArray weights, int col, NDArray... inputs) {
            NDArray sum = null;
            for (int i = 0; i < inputs.length; i++) {
                NDArray w = weights.get(i, col);
                NDArray term = inputs[i].mul(w);
                w.close();
                if (sum == null) {
                    sum = term;
                } else {
                    sum = Intermediates.replace(sum, sum.add(term));
                    term.close();
                }
            }
            return sum;
        }

        /** The five outputs; the inputs stay open (the caller frees them). */
        NDArray[] forward(NDArray[] p) {
            NDArray a = normalise(w1.get());
            NDArray b = normalise(w2.get());
            NDArray[] ptd = new NDArray[5];
            ptd[4] = p[4];
            for (int lvl = 3; lvl >= 0; lvl--) { // p5_td (column 0) … p2_td (column 3)
                NDArray up = Resize.nearestUp2(ptd[lvl + 1]);
                NDArray fused = weightedSum(a, 3 - lvl, p[lvl], up);
                up.close();
                ptd[lvl] = Intermediates.replace(fused, td[lvl].forward(fused));
            }
            NDArray[] po = new NDArray[5];
            po[0] = ptd[0];
            for (int lvl = 1; lvl <= 4; lvl++) { // p3_out (column 0) … p6_out (column 3)
                NDArray down = Resize.nearestDown2(po[lvl - 1]);
                NDArray fused = weightedSum(b, lvl - 1, p[lvl], ptd[lvl], down);
                down.close();
                po[lvl] = Intermediates.replace(fused, out[lvl - 1].forward(fused));
                if (lvl < 4) {
                    ptd[lvl].close(); // ptd[4] is p[4], the caller's
                }
            }
            a.close();
            b.close();
            return po;
        }
    }
}
