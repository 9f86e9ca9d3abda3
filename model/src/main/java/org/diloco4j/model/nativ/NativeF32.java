package org.diloco4j.model.nativ;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.diloco4j.core.io.Dtype;
import org.diloco4j.core.io.TensorData;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A contiguous fp32 CPU tensor's memory as {@link TensorData}, read in place, and the way back:
 * filling such a tensor from a {@link TensorData} a window at a time. This is how a checkpoint
 * streams a trainer's θ_i and AdamW moments to disk, and reads them back, without a copy of them on
 * the Java heap: each chunk goes between native memory and the file through a direct buffer.
 *
 * <p>A view remembers its owner's {@link Generation} when taken and refuses to be read once the
 * owner has changed the tensor (trained, loaded, restored or closed) since.
 */
public final class NativeF32 implements TensorData {
    /** Bytes per window when filling a tensor. */
    private static final int WINDOW = 1 << 22;
    private final Tensor tensor;
    private final long numel;
    private final Generation owner;
    private final long taken;

    private NativeF32(Tensor tensor, Generation owner) {
        this.tensor = tensor;
        this.numel = tensor.numel();
        this.owner = owner;
        this.taken = owner.now();
    }

    /**
     * A view of {@code t} (contiguous fp32 on the CPU), readable until {@code owner} advances: its
     * owner advances it whenever {@code t} changes or is freed.
     */
    public static NativeF32 view(Tensor t, Generation owner) {
        check(t);
        return new NativeF32(t, owner);
    }

    @Override
    public Dtype dtype() {
        return Dtype.F32;
    }

    @Override
    public long[] shape() {
        return new long[] {numel};
    }

    @Override
    public void copyTo(long offset, ByteBuffer dst) {
        if (owner.now() != taken) {
            throw new IllegalStateException("stale trainer view: the trainer has trained/restored/closed since this state was taken");
        }
        dst.put(window(tensor, offset, dst.remaining()));
    }

    /** {@code t} (contiguous fp32 on the CPU) ← {@code src}, a window of native memory at a time. */
    public static void fill(Tensor t, TensorData src) throws IOException {
        check(t);
        long bytes = 4 * t.numel();
        if (src.dtype() != Dtype.F32 || src.bytes() != bytes) {
            throw new IllegalArgumentException("cannot fill a tensor of " + t.numel() + " fp32 values from " + src.numel() + " " + src.dtype() + " values");
        }
        for (long at = 0; at < bytes; ) {
            int k = (int) Math.min(WINDOW, bytes - at);
            ByteBuffer w = window(t, at, k);
            src.copyTo(at, w);
            if (w.hasRemaining()) throw new IOException("the source gave " + w.position() + " of " + k + " bytes");
            at += k;
        }
    }

    /** Bytes {@code [offset, offset + length)} of {@code t}'s memory as a direct buffer. */
    private static ByteBuffer window(Tensor t, long offset, int length) {
        if (offset < 0 || offset + length > 4 * t.numel()) {
            throw new IndexOutOfBoundsException("bytes [" + offset + ", " + (offset + length) + ") of a tensor of " + 4 * t.numel());
        }
        BytePointer p = new BytePointer(t.data_ptr());
        return p.position(offset).limit(offset + length).asByteBuffer();
    }

    private static void check(Tensor t) {
        // The file is little-endian; the tensor's bytes go to it as they are.
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) throw new UnsupportedOperationException("a big-endian machine");
        if (t.scalar_type().intern() != ScalarType.Float || !t.is_contiguous() || !t.is_cpu()) {
            throw new IllegalArgumentException("expected a contiguous fp32 CPU tensor, got a " + t.scalar_type() + " tensor"
                    + (t.is_cpu() ? "" : " on " + t.device()) + (t.is_contiguous() ? "" : " (not contiguous)"));
        }
    }
}
