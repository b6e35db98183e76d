package org.cryosiam.nn;

import java.io.IOException;
import java.io.InputStream;
import java.util.IdentityHashMap;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;

/**
 * Conversion of arrays to and from bfloat16, for {@code --precision bf16}. DJL (0.32 to 0.36) cannot make a bfloat16
 * array: its JNI maps DJL's type numbers to libtorch types with a switch that has no bfloat16 case and whose default
 * is a bare {@code throw;}, which calls {@code std::terminate} (the JVM dies, as {@code toType(BFLOAT16)} did). Two
 * small TorchScript modules bundled in the jar ({@code x.to(torch.bfloat16)}, {@code x.to(torch.float32)}; made by
 * {@code scripts/make-cast-modules.py}, no weights) convert inside libtorch instead. The bfloat16 copy of a 5-D array
 * is channels-last, the layout oneDNN's bfloat16 convolutions compute in: with plain arrays libtorch copied every
 * convolution's output back to plain with a slow strided loop, and bf16 took 107 s instead of 22 s
 * (default-width denoiser, 64³ tomogram). Arrays come back to float32 plain.
 *
 * <p>DJL reports such arrays as {@link DataType#UNKNOWN}, and converts Java numbers to an array's own type in
 * methods such as {@code add(float)}: on a bfloat16 array those would hit the same abort, so the network never
 * calls them on one.
 */
public final class Bf16 implements AutoCloseable {
    private final NDManager manager;
    private final PtSymbolBlock toBf16;
    private final PtSymbolBlock toFloat32;
    private final ParameterStore store;
    private final Map<NDArray, NDArray> weights = new IdentityHashMap<>();

    private Bf16(NDManager manager, PtSymbolBlock toBf16, PtSymbolBlock toFloat32) {
        this.manager = manager;
        this.toBf16 = toBf16;
        this.toFloat32 = toFloat32;
        this.store = new ParameterStore(manager, false);
    }

    /** Loads the two modules on the manager's device; the manager is owned by the result. */
    public static Bf16 load(NDManager manager) {
        return new Bf16(manager, module(manager, "to_bfloat16.pt"), module(manager, "to_float32.pt"));
    }

    private static PtSymbolBlock module(NDManager manager, String resource) {
        try (InputStream in = Bf16.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("resource " + resource + " missing from the jar");
            }
            return JniUtils.loadModule((PtNDManager) manager, in, true, false);
        } catch (IOException e) {
            throw new IllegalStateException("cannot load " + resource, e);
        }
    }

    /** Whether {@code x} holds bfloat16 (the one type this code makes that DJL cannot name). */
    public static boolean isBf16(NDArray x) {
        return x.getDataType() == DataType.UNKNOWN;
    }

    /** A bfloat16 copy of {@code x}, attached to {@code x}'s manager. */
    public NDArray toBf16(NDArray x) {
        return toBf16.forward(store, new NDList(x), false).singletonOrThrow();
    }

    /** A float32 copy of {@code x}, attached to {@code x}'s manager. */
    public NDArray toFloat32(NDArray x) {
        return toFloat32.forward(store, new NDList(x), false).singletonOrThrow();
    }

    /** The bfloat16 copy of a weight, made once and kept as long as these conversions. */
    public synchronized NDArray weight(NDArray w) {
        return weights.computeIfAbsent(w, k -> {
            NDArray copy = toBf16(k);
            NDScope.unregister(copy); // not an intermediate of the pass that first needed it
            copy.attach(manager);
            return copy;
        });
    }

    /** {@code a} in the floating type of {@code like} (bfloat16 or float32); {@code a} itself when it already is. */
    public NDArray like(NDArray a, NDArray like) {
        boolean wantBf16 = isBf16(like);
        if (wantBf16 == isBf16(a)) {
            return a;
        }
        return wantBf16 ? toBf16(a) : toFloat32(a);
    }

    @Override
    public void close() {
        toBf16.close();
        toFloat32.close();
        manager.close();
    }
}
