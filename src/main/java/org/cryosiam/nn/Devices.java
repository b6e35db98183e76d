package org.cryosiam.nn;

import java.util.Locale;

import org.cryosiam.CryosiamUserException;

import ai.djl.Device;
import ai.djl.engine.Engine;

/** Device names as users write them ({@code cpu}, {@code cuda}, {@code cuda:N}) → DJL devices. */
public final class Devices {
    private Devices() {
    }

    /** How many CUDA devices libtorch sees (0 with the CPU build). */
    public static int gpuCount() {
        return Engine.getEngine("PyTorch").getGpuCount();
    }

    /** The first GPU when there is one, else the CPU. */
    public static Device defaultDevice() {
        return gpuCount() > 0 ? Device.gpu(0) : Device.cpu();
    }

    /** The device a {@code --device} value asks for; null (not given) means {@link #defaultDevice()}. */
    public static Device chosen(String option) {
        return option == null ? defaultDevice() : parse(option);
    }

    /** How users write the device: {@code cpu} or {@code cuda:N}. */
    public static String name(Device device) {
        return device.isGpu() ? "cuda:" + device.getDeviceId() : "cpu";
    }

    /**
     * Parses {@code cpu}, {@code cuda}, {@code cuda:N} (also {@code gpu}, {@code gpu:N}); fails with a user error for
     * anything else or when the GPU is not available.
     */
    public static Device parse(String name) {
        String s = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        if (s.equals("cpu")) {
            return Device.cpu();
        }
        int id;
        if (s.equals("cuda") || s.equals("gpu")) {
            id = 0;
        } else if (s.matches("(cuda|gpu):\\d{1,3}")) {
            id = Integer.parseInt(s.substring(s.indexOf(':') + 1));
        } else {
            throw new CryosiamUserException("unknown device '" + name + "': use cpu, cuda or cuda:N");
        }
        int n = gpuCount();
        if (n == 0) {
            throw new CryosiamUserException("device " + name + " was requested but CUDA is not available here "
                    + "(no GPU visible to libtorch, or a CPU-only build); use cpu");
        }
        if (id >= n) {
            throw new CryosiamUserException("device " + name + " was requested but only " + n + " GPU"
                    + (n == 1 ? " is" : "s are") + " visible (cuda:0" + (n > 1 ? " to cuda:" + (n - 1) : "") + ")");
        }
        return Device.gpu(id);
    }
}
