package org.diloco4j.model.nativ;

import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Where the inner loop's tensors live: {@code cpu} or {@code cuda:N}. Only the inner loop depends
 * on it; θ crosses to and from Java as fp32 arrays whatever the device.
 *
 * @param spec the configured string, e.g. {@code cpu} or {@code cuda:0}
 */
public record TorchDevice(String spec) {
    public static final TorchDevice CPU = new TorchDevice("cpu");

    public TorchDevice {
        if (spec == null || !(spec.equals("cpu") || spec.matches("cuda:\\d+"))) {
            throw new IllegalArgumentException("device must be 'cpu' or 'cuda:N', got '" + spec + "'");
        }
    }

    public static TorchDevice parse(String spec) {
        return new TorchDevice(spec == null ? null : spec.trim().toLowerCase(java.util.Locale.ROOT));
    }

    public boolean isCpu() {
        return spec.equals("cpu");
    }

    /**
     * Checks that libtorch can use this device; call once before allocating on it. The Maven build
     * pins the CPU classifier of the preset, so {@code cuda:N} needs the {@code linux-x86_64-gpu}
     * classifier on the class path and a visible GPU.
     */
    public void requireAvailable() {
        NativeTorch.load();
        if (isCpu()) return;
        int index = Integer.parseInt(spec.substring("cuda:".length()));
        if (!torch.cuda_is_available()) {
            throw new IllegalStateException("device " + spec + " requested but libtorch reports no CUDA "
                    + "(the CPU build of org.bytedeco:pytorch is on the class path, or no GPU is visible)");
        }
        int count = torch.cuda_device_count();
        if (index >= count) {
            throw new IllegalStateException("device " + spec + " requested but only " + count + " CUDA device(s) exist");
        }
    }

    /** fp32 tensor options on this device. */
    public TensorOptions floatOptions() {
        return options(ScalarType.Float);
    }

    public TensorOptions options(ScalarType type) {
        NativeTorch.load();
        TensorOptions o = new TensorOptions(type);
        return isCpu() ? o : o.device(new org.bytedeco.pytorch.DeviceOptional(new Device(spec)));
    }

    @Override
    public String toString() {
        return spec;
    }
}
