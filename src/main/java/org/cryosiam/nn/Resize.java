package org.cryosiam.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Resampling of {@code N, C, D, H, W} feature maps, written with gather and arithmetic so that it stays
 * differentiable (DJL's PyTorch bridge has no trilinear mode).
 */
public final class Resize {
    private Resize() {
    }

    /**
     * {@code F.interpolate(x, size, mode='trilinear', align_corners=False)}: separable linear interpolation, one
     * spatial axis at a time. Along an axis of {@code in → out} voxels, with {@code scale = (float) in / out}:
     * source {@code s = scale·(i + 0.5) − 0.5}, clamped at 0; {@code lo = floor(s)}, {@code hi = min(lo + 1, in − 1)};
     * {@code out[i] = (1 − (s − lo))·x[lo] + (s − lo)·x[hi]}.
     */
    public static NDArray trilinear(NDArray x, long... size) {
        return trilinear(x, null, size);
    }

    /** {@link #trilinear(NDArray, long...)} of a bfloat16 {@code x} (its weights converted by {@code bf16}). */
    static NDArray trilinear(NDArray x, Bf16 bf16, long... size) {
        if (x.getShape().dimension() != 5 || size.length != 3) {
            throw new IllegalArgumentException("trilinear needs N,C,D,H,W and 3 sizes, got " + x.getShape());
        }
        NDArray y = x;
        for (int a = 0; a < 3; a++) {
            NDArray next = linearAxis(y, 2 + a, Math.toIntExact(size[a]), bf16);
            Intermediates.release(y, x, next);
            y = next;
        }
        return y;
    }

    /** Linear interpolation ({@code align_corners = False}) along one axis to {@code out} samples. */
    static NDArray linearAxis(NDArray x, int axis, int out, Bf16 bf16) {
        int in = Math.toIntExact(x.getShape().get(axis));
        if (in == out) {
            return x; // scale 1: every source coordinate is an exact voxel
        }
        long[] lo = new long[out];
        long[] hi = new long[out];
        float[] w0 = new float[out];
        float[] w1 = new float[out];
        float scale = (float) in / out;
        for (int i = 0; i < out; i++) {
            float src = scale * (i + 0.5f) - 0.5f;
            if (src < 0f) {
                src = 0f;
            }
            int l = (int) src;
            int h = l < in - 1 ? l + 1 : l;
            float lambda = Math.min(Math.max(src - l, 0f), 1f);
            lo[i] = l;
            hi[i] = h;
            w1[i] = lambda;
            w0[i] = 1f - lambda;
        }
        long[] bshape = new long[x.getShape().dimension()];
        java.util.Arrays.fill(bshape, 1);
        bshape[axis] = out;
        NDManager m = x.getManager();
        NDArray loIdx = owned(m.create(lo), x);
        NDArray hiIdx = owned(m.create(hi), x);
        NDArray wt0 = owned(m.create(w0, new Shape(bshape)), x);
        NDArray wt1 = owned(m.create(w1, new Shape(bshape)), x);
        if (Bf16.isBf16(x)) { // float32 weights would make the products float32
            wt0 = Intermediates.replace(wt0, bf16.toBf16(wt0));
            wt1 = Intermediates.replace(wt1, bf16.toBf16(wt1));
        }
        // weighted in place: at most two arrays of the output's size besides the input (autograd allows it: the
        // gathers' backward needs only the indices, the products' only the weights)
        NDArray y = x.get(axisIndex(axis, loIdx)).muli(wt0);
        NDArray b = x.get(axisIndex(axis, hiIdx)).muli(wt1);
        y.addi(b);
        b.close();
        loIdx.close();
        hiIdx.close();
        wt0.close();
        wt1.close();
        return y;
    }

    /**
     * A copy of {@code created} in memory that libtorch owns, on {@code like}'s device; {@code created} is closed.
     * DJL makes CPU arrays over Java direct buffers, which are freed when the array is closed or collected; autograd
     * saves the gather indices and weights for the backward pass, which then read freed memory (training failed at
     * random with indices such as 1065353216, the bits of 1.0f).
     */
    private static NDArray owned(NDArray created, NDArray like) {
        NDArray copy = created.getDevice().equals(like.getDevice())
                ? created.duplicate() : created.toDevice(like.getDevice(), true);
        created.close();
        return copy;
    }

    private static NDIndex axisIndex(int axis, NDArray idx) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < axis; i++) {
            sb.append(":, ");
        }
        sb.append("{}");
        return new NDIndex(sb.toString(), idx);
    }

    /** {@code F.interpolate(x, scale_factor=2)} (nearest): every voxel repeated twice along D, H and W. */
    public static NDArray nearestUp2(NDArray x) {
        NDArray d = x.repeat(2, 2);
        NDArray dh = Intermediates.replace(d, d.repeat(3, 2));
        return Intermediates.replace(dh, dh.repeat(4, 2));
    }

    /** {@code nn.Upsample(scale_factor=0.5)} (nearest): {@code floor(n/2)} outputs from
     * source {@code 2·i}, i.e. every second voxel. */
    public static NDArray nearestDown2(NDArray x) {
        Shape s = x.getShape();
        long d = s.get(2) / 2 * 2;
        long h = s.get(3) / 2 * 2;
        long w = s.get(4) / 2 * 2;
        return x.get(":, :, 0:" + d + ":2, 0:" + h + ":2, 0:" + w + ":2");
    }
}
