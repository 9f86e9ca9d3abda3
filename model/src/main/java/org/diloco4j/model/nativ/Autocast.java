package org.diloco4j.model.nativ;

import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.DeviceType;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * A bf16 autocast region (libtorch's {@code at::autocast}, what {@code torch.autocast} does in
 * Python): inside it, matmuls and attention run in bfloat16 on copies of the fp32 weights, while
 * reductions such as layer norm and cross-entropy stay fp32. Gradients flow back to the fp32
 * parameters. Thread-local; close on the thread that opened it.
 *
 * <p>Closing the outermost region clears the autocast weight cache: otherwise the next step would
 * reuse bf16 copies of weights the optimizer has since changed.
 */
public final class Autocast implements AutoCloseable {
    private final DeviceType type;
    private final boolean wasEnabled;
    private final ScalarType previousType;
    private boolean closed;

    private Autocast(DeviceType type) {
        this.type = type;
        this.wasEnabled = torch.is_autocast_enabled(type);
        this.previousType = torch.get_autocast_dtype(type);
        torch.set_autocast_dtype(type, ScalarType.BFloat16);
        torch.set_autocast_enabled(type, true);
        torch.increment_nesting();
    }

    /** Opens a bf16 autocast region for tensors on {@code device}. */
    public static Autocast bf16(TorchDevice device) {
        NativeTorch.load();
        return new Autocast(device.isCpu() ? DeviceType.CPU : DeviceType.CUDA);
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        if (torch.decrement_nesting() == 0) torch.clear_cache();
        torch.set_autocast_enabled(type, wasEnabled);
        torch.set_autocast_dtype(type, previousType);
    }
}
