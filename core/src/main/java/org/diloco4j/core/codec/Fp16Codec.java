package org.diloco4j.core.codec;

import java.util.Objects;
import org.diloco4j.core.params.VectorOps;

/**
 * IEEE half precision: each finite value clamped to ±65504 (the largest half), then rounded to
 * nearest, ties to even; {@code header | len × fp16}. Relative error ≤ 2^-11 for |x| in
 * [2^-14, 65504]; below that, half subnormals keep an absolute error ≤ 2^-25. Finite values beyond
 * ±65504 saturate (what makes half usable for pseudo-gradients with outliers), but ±infinity stays
 * ±infinity and NaN stays NaN: a diverged worker's values must reach the receiver as what they are,
 * never as a large finite number it would apply.
 */
public record Fp16Codec() implements Codec {
    public static final float MAX = 65504f;
    private static final int BLOCK = 4096;

    @Override
    public String name() {
        return CodecKind.FP16.configName();
    }

    @Override
    public long encodedSize(long len) {
        Wire.checkLen(len);
        return Wire.HEADER + 2L * len;
    }

    @Override
    public byte[] encode(float[] values, int off, int len) {
        Objects.checkFromIndexSize(off, len, values.length);
        byte[] out = Wire.start(this, CodecKind.FP16, encodedSize(len), len);
        var dst = Wire.shorts(out, Wire.HEADER, len);
        short[] tmp = new short[Math.min(BLOCK, len)];
        for (int s = 0; s < len; s += BLOCK) {
            int m = Math.min(BLOCK, len - s);
            int o = off + s;
            // Float.floatToFloat16 rounds to nearest even and is a vectorized intrinsic (F16C / AVX-512).
            for (int i = 0; i < m; i++) tmp[i] = Float.floatToFloat16(Math.min(Math.max(values[o + i], -MAX), MAX));
            // The clamp also turned ±infinity into ±65504: put infinities back, off the vectorized path (NaN passed through).
            if (!(VectorOps.maxAbs(values, o, o + m) < Float.POSITIVE_INFINITY)) {
                for (int i = 0; i < m; i++) if (Float.isInfinite(values[o + i])) tmp[i] = Float.floatToFloat16(values[o + i]);
            }
            dst.put(tmp, 0, m);
        }
        return out;
    }

    @Override
    public void decode(byte[] encoded, float[] out, int off, int len) {
        Objects.checkFromIndexSize(off, len, out.length);
        Wire.checkHeader(encoded, this, CodecKind.FP16, len, Wire.HEADER);
        Wire.checkSize(encoded, this, encodedSize(len), len);
        var src = Wire.shorts(encoded, Wire.HEADER, len);
        short[] tmp = new short[Math.min(BLOCK, len)];
        for (int s = 0; s < len; s += BLOCK) {
            int m = Math.min(BLOCK, len - s);
            int o = off + s;
            src.get(tmp, 0, m);
            for (int i = 0; i < m; i++) out[o + i] = Float.float16ToFloat(tmp[i]);
        }
    }

    @Override
    public String toString() {
        return spec();
    }
}
