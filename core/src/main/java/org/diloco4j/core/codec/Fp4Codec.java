package org.diloco4j.core.codec;

import java.util.Objects;

/**
 * FP4 E3M0, the 4-bit float Streaming DiLoCo sends its outer gradients in (Douillard et al. 2025,
 * "Streaming DiLoCo with overlapping communication", arXiv 2501.18512: 1 sign bit, 3 exponent
 * bits, 0 mantissa bits; the reduction is done in fp32 after decoding). With no mantissa, exponent
 * field 0 is zero (a subnormal with no mantissa bits) and fields 1 to 7 are seven consecutive
 * powers of two; like OCP's FP4 and FP6 formats there is no infinity or NaN encoding. The paper
 * does not fix the exponent bias or a scaling: here the bias is folded into one fp32 scale per
 * block of {@code block} values (the last block may be shorter), the block's absmax a, so that
 * <pre>
 *   field e ∈ {1, …, 7} decodes to ± a · 2^(e − 7)    (±a, ±a/2, …, ±a/64)      field 0 to 0
 * </pre>
 * and ±a is exact. Rounding is to the nearest of these values, deterministic (no stochastic
 * rounding), ties towards the smaller magnitude: with r = |x| / a computed as one fp32 division,
 * e is the number of thresholds 2^-7, 3·2^-7, 3·2^-6, 3·2^-5, 3·2^-4, 3·2^-3, 3·2^-2 that r
 * exceeds (the midpoints between consecutive levels, all exact in fp32). Error bound per value:
 * |x − decode| ≤ max(|x| / 3, a · 2^-7) — a third of |x| midway between two powers of two, half the
 * smallest level below it. A value that rounds to 0 is stored as +0 whatever its sign.
 *
 * <p>Size: 4 + 32/block bits per value, 4.5 at the default block of 64: exactly
 * {@code 12 + 4·⌈n/block⌉ + ⌈n/2⌉} bytes. Layout: {@code header | block int32 | scales: one fp32
 * (the absmax) per block | nibbles}, nibble = sign bit (8) | e, packed as {@link NibbleGroups}
 * says. Nibble 8 (a negative zero) never occurs and is rejected on decode, as are scales that are
 * negative or not finite.
 */
public record Fp4Codec(int block) implements Codec {
    public static final int DEFAULT_BLOCK = 64;
    public static final int MAX_BLOCK = 1 << 20;
    /** Rounding thresholds on r = |x| / a: field e for r in (T[e−1], T[e]], 0 up to T[0], 7 above T[6]. */
    private static final float T0 = 0x1p-7f, T1 = 0x3p-7f, T2 = 0x3p-6f, T3 = 0x3p-5f, T4 = 0x3p-4f, T5 = 0x3p-3f, T6 = 0x3p-2f;
    /** Decoded value of each nibble for a scale of 1 (nibble 8 is invalid; decoding rejects it first). */
    private static final float[] LEVEL = new float[16];

    static {
        for (int e = 1; e < 8; e++) {
            LEVEL[e] = Math.scalb(1f, e - 7);
            LEVEL[8 | e] = -LEVEL[e];
        }
    }

    public Fp4Codec {
        NibbleGroups.checkBlock(block, MAX_BLOCK);
    }

    public Fp4Codec() {
        this(DEFAULT_BLOCK);
    }

    @Override
    public String name() {
        return CodecKind.FP4.configName();
    }

    @Override
    public String spec() {
        return name() + ":block=" + block;
    }

    @Override
    public long encodedSize(int len) {
        return NibbleGroups.encodedSize(block, len);
    }

    /** The E3M0 field of r = |x| / a ∈ [0, 1] (NaN, from an all-zero block's 0/0, gives 0). */
    private static int field(float r) {
        return (r > T0 ? 1 : 0) + (r > T1 ? 1 : 0) + (r > T2 ? 1 : 0) + (r > T3 ? 1 : 0) + (r > T4 ? 1 : 0)
                + (r > T5 ? 1 : 0) + (r > T6 ? 1 : 0);
    }

    @Override
    public byte[] encode(float[] values, int off, int len) {
        Objects.checkFromIndexSize(off, len, values.length);
        byte[] out = Wire.start(this, CodecKind.FP4, encodedSize(len), len);
        Wire.INT.set(out, Wire.HEADER, block);
        int group = NibbleGroups.group(block);
        NibbleGroups.Lanes l = new NibbleGroups.Lanes(Math.min(group, len));
        int[] nib = l.nib;
        int sp = NibbleGroups.PARAMS_END;
        int np = NibbleGroups.nibblesAt(block, len);
        for (long gs = 0; gs < len; gs += group) { // long: gs + group may pass Integer.MAX_VALUE
            int gm = (int) Math.min(group, len - gs);
            for (int bs = 0; bs < gm; bs += block) {
                int m = Math.min(block, gm - bs);
                int o = off + (int) gs + bs;
                float a = Wire.maxAbs(values, o, m);
                if (!Float.isFinite(a)) throw Wire.nonFinite(this, values, off, len);
                Wire.FLOAT.set(out, sp, a);
                sp += 4;
                for (int i = 0; i < m; i++) {
                    float x = values[o + i];
                    int e = field(Math.abs(x) / a);
                    nib[bs + i] = e == 0 || !(x < 0) ? e : 8 | e;
                }
            }
            NibbleGroups.pack(l, gm, out, np);
            np += (gm + 1) >>> 1;
        }
        return out;
    }

    @Override
    public void decode(byte[] encoded, float[] out, int off, int len) {
        Objects.checkFromIndexSize(off, len, out.length);
        NibbleGroups.checkMessage(this, CodecKind.FP4, block, encoded, len);
        int group = NibbleGroups.group(block);
        NibbleGroups.Lanes l = new NibbleGroups.Lanes(Math.min(group, len));
        int[] nib = l.nib;
        float[] table = new float[16];
        int sp = NibbleGroups.PARAMS_END;
        int np = NibbleGroups.nibblesAt(block, len);
        for (long gs = 0; gs < len; gs += group) {
            int gm = (int) Math.min(group, len - gs);
            if (!NibbleGroups.unpack(encoded, np, gm, l)) throw new CodecException(spec() + ": padding nibble of the last byte is not 0");
            np += (gm + 1) >>> 1;
            for (int i = 0; i < gm; i++) {
                if (nib[i] == 8) throw new CodecException(spec() + ": nibble 8 (negative zero) at value " + (gs + i));
            }
            for (int bs = 0; bs < gm; bs += block) {
                int m = Math.min(block, gm - bs);
                int o = off + (int) gs + bs;
                float scale = (float) Wire.FLOAT.get(encoded, sp);
                sp += 4;
                for (int k = 0; k < 16; k++) table[k] = scale * LEVEL[k];
                for (int i = 0; i < m; i++) out[o + i] = table[nib[bs + i]];
            }
        }
    }

    @Override
    public String toString() {
        return spec();
    }
}
