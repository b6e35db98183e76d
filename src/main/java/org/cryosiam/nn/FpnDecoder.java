package org.cryosiam.nn;

import ai.djl.ndarray.NDArray;

/**
 * cryosiam {@code FPNDecoder}: lateral 1³ convolutions ({@code layer1} on res5 … {@code layer4} on res2), a top-down
 * chain with trilinear upsampling to the exact size of the finer level, and optional 3³ {@code later_conv1..4}
 * applied after the chain. The output is {@code o4} (full resolution).
 */
public final class FpnDecoder extends Decoder {
    private final Conv3dLayer[] lateral = new Conv3dLayer[4];
    private final Conv3dLayer laterConv4;

    public FpnDecoder(int[] featureChannels, int fpnChannels, boolean laterConv) {
        // layer1 reads res5, layer4 reads res2; registered in the reference's order (layer4 first)
        for (int k = 4; k >= 1; k--) {
            lateral[k - 1] = child("layer" + k, Conv3dLayer.of(featureChannels[4 - k], fpnChannels, 1, 0, true));
        }
        Conv3dLayer last = null;
        if (laterConv) {
            for (int k = 1; k <= 4; k++) {
                // later_conv1..3 act on o1..o3, which the dense output does not use; they are still real weights
                last = child("later_conv" + k, Conv3dLayer.of(fpnChannels, fpnChannels, 3, 1, true), k < 4);
            }
        }
        laterConv4 = last;
    }

    @Override
    public NDArray forward(NDArray[] f) {
        NDArray o = lateral[0].forward(f[3]);
        for (int k = 1; k < 4; k++) {
            NDArray y = lateral[k].forward(f[3 - k]);
            long[] s = y.getShape().getShape();
            NDArray up = Intermediates.replace(o, Resize.trilinear(o, bf16(), s[2], s[3], s[4]));
            o = Intermediates.replace(up, up.add(y));
            y.close();
        }
        return laterConv4 != null ? Intermediates.replace(o, laterConv4.forward(o)) : o;
    }
}
