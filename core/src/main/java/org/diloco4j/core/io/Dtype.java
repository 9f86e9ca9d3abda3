package org.diloco4j.core.io;

import java.nio.ByteBuffer;

/**
 * The element types safetensors defines, by the name its header uses. All of them are known so
 * that the layout of a tensor we skip (a BOOL mask buffer, say) can still be checked; only the
 * floating-point types θ can come in are read, widened to fp32 exactly.
 */
public enum Dtype {
    BOOL(1), U8(1), I8(1), F8_E5M2(1), F8_E4M3(1), I16(2), U16(2), F16(2), BF16(2), I32(4), U32(4), F32(4), I64(8), U64(8), F64(8);

    /** Bytes per value. */
    public final int width;

    Dtype(int width) {
        this.width = width;
    }

    /** The dtype a header names, or null if safetensors defines none of that name. */
    public static Dtype named(String name) {
        for (Dtype d : values()) {
            if (d.name().equals(name)) return d;
        }
        return null;
    }

    /** Whether {@link #floats} reads it. */
    boolean readable() {
        return this == F32 || this == F16 || this == BF16;
    }

    /** The values of {@code b} (little-endian, a readable dtype) as fp32. */
    float[] floats(ByteBuffer b) {
        float[] out = new float[b.remaining() / width];
        switch (this) {
            case F32 -> b.asFloatBuffer().get(out);
            case F16 -> {
                for (int i = 0; i < out.length; i++) out[i] = Float.float16ToFloat(b.getShort());
            }
            // bf16 is the top half of an fp32.
            case BF16 -> {
                for (int i = 0; i < out.length; i++) out[i] = Float.intBitsToFloat((b.getShort() & 0xffff) << 16);
            }
            default -> throw new IllegalStateException(this + " is not read as floats");
        }
        return out;
    }
}
