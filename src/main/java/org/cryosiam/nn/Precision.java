package org.cryosiam.nn;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import org.cryosiam.CryosiamUserException;

import ai.djl.Device;

/**
 * The number type of inference: float32 (the reference's, the default) or bfloat16 (the weights, activations and
 * convolutions in bfloat16, inputs and outputs in float32). bfloat16 needs a CPU with AVX-512-BF16 or AMX (where
 * oneDNN has bfloat16 kernels; elsewhere libtorch emulates it, slower than float32) or a GPU.
 */
public enum Precision {
    FP32("float32"),
    BF16("bfloat16");

    private final String description;

    Precision(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }

    /** {@code fp32} or {@code bf16} (also {@code float32}, {@code bfloat16}); a user error otherwise. */
    public static Precision parse(String name) {
        switch (name == null ? "" : name.trim().toLowerCase(Locale.ROOT)) {
            case "fp32", "float32":
                return FP32;
            case "bf16", "bfloat16":
                return BF16;
            default:
                throw new CryosiamUserException("--precision " + name + ": use fp32 or bf16.");
        }
    }

    /** Throws a user error when this precision cannot run fast on {@code device}. */
    public void requireSupport(Device device) {
        if (this == BF16 && !device.isGpu() && !cpuHasBf16(Path.of("/proc/cpuinfo"))) {
            throw new CryosiamUserException("--precision bf16 needs a CPU with AVX-512-BF16 or AMX (e.g. Intel "
                    + "Sapphire Rapids or AMD Zen 4 and later) or a GPU; this CPU has neither, use fp32.");
        }
    }

    /** Whether the CPU flags in a cpuinfo file include {@code avx512_bf16} or {@code amx_bf16}. */
    static boolean cpuHasBf16(Path cpuinfo) {
        try {
            for (String line : Files.readAllLines(cpuinfo)) {
                if (line.startsWith("flags") && (line.contains(" avx512_bf16") || line.contains(" amx_bf16"))) {
                    return true;
                }
            }
        } catch (IOException e) {
            return false; // not Linux: unknown, refuse rather than run slower than float32
        }
        return false;
    }
}
