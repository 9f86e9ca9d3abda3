package org.diloco4j.model.nativ;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Small helpers for moving Java arrays in and out of contiguous CPU tensors with one memcpy.
 *
 * <p>JavaCPP returns enum values such as {@code scalar_type()} as fresh enum objects carrying the
 * native value: compare them after {@code intern()}, never with {@code ==} directly.
 */
public final class Tensors {
    private Tensors() {
    }

    /** A zero-filled fp32 CPU tensor. */
    public static Tensor zerosFloat(long... shape) {
        NativeTorch.load();
        return torch.zeros(shape, new TensorOptions(ScalarType.Float));
    }

    /** An uninitialised int64 CPU tensor (token ids). */
    public static Tensor emptyLong(long... shape) {
        NativeTorch.load();
        return torch.empty(shape, new TensorOptions(ScalarType.Long), new MemoryFormatOptional());
    }

    /** An uninitialised uint8 CPU tensor (e.g. a generator state). */
    public static Tensor emptyBytes(long n) {
        NativeTorch.load();
        return torch.empty(new long[] {n}, new TensorOptions(ScalarType.Byte), new MemoryFormatOptional());
    }

    /** {@code dst[0..src.length) ← src}; {@code dst} must be a contiguous fp32 CPU tensor of that many elements. */
    public static void copyIn(float[] src, Tensor dst) {
        checkFloat(dst, src.length);
        FloatPointer p = dst.data_ptr_float();
        p.put(src, 0, src.length);
    }

    /** {@code dst ← src}; {@code src} must be a contiguous fp32 CPU tensor of {@code dst.length} elements. */
    public static void copyOut(Tensor src, float[] dst) {
        checkFloat(src, dst.length);
        FloatPointer p = src.data_ptr_float();
        p.get(dst, 0, dst.length);
    }

    /** Writes token ids into a contiguous int64 tensor of exactly {@code ids.length} elements. */
    public static void copyIds(int[] ids, Tensor dst) {
        copyIds(ids, 0, ids.length, dst);
    }

    /** Writes {@code src[from..from+count)} into a contiguous int64 tensor of exactly {@code count} elements. */
    public static void copyIds(int[] src, int from, int count, Tensor dst) {
        java.util.Objects.checkFromIndexSize(from, count, src.length);
        if (dst.scalar_type().intern() != ScalarType.Long || !dst.is_contiguous() || dst.numel() != count) {
            throw new IllegalArgumentException("id tensor must be contiguous int64 of " + count + " elements");
        }
        long[] wide = new long[count];
        for (int i = 0; i < count; i++) wide[i] = src[from + i];
        LongPointer p = dst.data_ptr_long();
        p.put(wide, 0, wide.length);
    }

    /**
     * Rows [fromRow, fromRow + rows) of a row-major (·, context) id array as a (rows, context)
     * int64 tensor on {@code device}. Allocates in the caller's {@code PointerScope}.
     */
    public static Tensor idRows(int[] ids, int fromRow, int rows, int context, TorchDevice device) {
        Tensor t = emptyLong(rows, context);
        copyIds(ids, fromRow * context, rows * context, t);
        return device.isCpu() ? t : t.to(device.options(ScalarType.Long), false, false, new MemoryFormatOptional());
    }

    private static void checkFloat(Tensor t, int n) {
        if (t.scalar_type().intern() != ScalarType.Float || !t.is_contiguous() || t.numel() != n) {
            throw new IllegalArgumentException("expected a contiguous fp32 tensor of " + n + " elements, got "
                    + "a " + t.scalar_type() + " tensor of " + t.numel() + " elements" + (t.is_contiguous() ? "" : " (not contiguous)"));
        }
    }
}
