package org.cryosiam.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/**
 * MONAI 1.3 {@code ResNetBlock} (basic, expansion 1) and {@code ResNetBottleneck} (expansion 4), with shortcut type
 * B: a strided 1³ convolution + BatchNorm as {@code downsample} when the stride or the width changes.
 */
public final class ResNetBlock extends Layer {
    private final boolean bottleneck;
    private final Conv3dLayer conv1;
    private final BatchNormLayer bn1;
    private final Conv3dLayer conv2;
    private final BatchNormLayer bn2;
    private final Conv3dLayer conv3;
    private final BatchNormLayer bn3;
    private final Sequential downsample;

    /**
     * @param downsampleBias whether {@code downsample.0} has a bias (MONAI versions differ; the checkpoint decides)
     */
    public ResNetBlock(boolean bottleneck, int inPlanes, int planes, int stride, boolean downsampleBias) {
        this.bottleneck = bottleneck;
        int expansion = bottleneck ? 4 : 1;
        if (bottleneck) {
            conv1 = child("conv1", Conv3dLayer.of(inPlanes, planes, 1, 0, false));
            bn1 = child("bn1", new BatchNormLayer(planes));
            conv2 = child("conv2", new Conv3dLayer(planes, planes, 3, stride, 1, 1, false));
            bn2 = child("bn2", new BatchNormLayer(planes));
            conv3 = child("conv3", Conv3dLayer.of(planes, planes * expansion, 1, 0, false));
            bn3 = child("bn3", new BatchNormLayer(planes * expansion));
        } else {
            conv1 = child("conv1", new Conv3dLayer(inPlanes, planes, 3, stride, 1, 1, false));
            bn1 = child("bn1", new BatchNormLayer(planes));
            conv2 = child("conv2", Conv3dLayer.of(planes, planes, 3, 1, false));
            bn2 = child("bn2", new BatchNormLayer(planes));
            conv3 = null;
            bn3 = null;
        }
        if (stride != 1 || inPlanes != planes * expansion) {
            downsample = child("downsample", new Sequential(
                    new Conv3dLayer(inPlanes, planes * expansion, 1, stride, 0, 1, downsampleBias),
                    new BatchNormLayer(planes * expansion)));
        } else {
            downsample = null;
        }
    }

    /** Whether a block with these widths and stride has a {@code downsample} branch. */
    public static boolean needsDownsample(boolean bottleneck, int inPlanes, int planes, int stride) {
        return stride != 1 || inPlanes != planes * (bottleneck ? 4 : 1);
    }

    /** As MONAI: {@code out += residual} in place, then ReLU; each intermediate freed once consumed. */
    @Override
    public NDArray forward(NDArray x) {
        NDArray out = reluOf(conv1.forward(x, bn1));
        out = Intermediates.replace(out, conv2.forward(out, bn2));
        if (bottleneck) {
            out = Intermediates.replace(out, reluOf(out));
            out = Intermediates.replace(out, conv3.forward(out, bn3));
        }
        if (downsample != null) {
            NDArray residual = downsample.forward(x);
            out.addi(residual);
            residual.close();
        } else {
            out.addi(x);
        }
        return reluOf(out);
    }

    /** ReLU of an intermediate, which is freed. */
    private static NDArray reluOf(NDArray x) {
        return Intermediates.replace(x, Activation.relu(x));
    }

}
