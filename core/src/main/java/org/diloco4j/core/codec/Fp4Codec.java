package org.diloco4j.core.codec;

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
public record Fp4Codec(int block) implements BlockCodec {
    public static final int DEFAULT_BLOCK = 64;
    public static final int MAX_BLOCK = 1 << 20;
    /** Decoded value of each nibble for a scale of 1 (nibble 8 is invalid; decoding rejects it first). */
    private static final float[] LEVEL = new float[16];
    static final NibbleGroups.BlockRule RULE = new Rule();

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
    public CodecKind kind() {
        return CodecKind.FP4;
    }

    /**
     * The E3M0 field of r = |x| / a ∈ [0, 1], from {@code bits}, the bits of r: the number of
     * thresholds T0 … T6 (see the class comment) it exceeds, without comparing against each. T1 … T6 are 1.5·2^(k−7), so r (exponent E,
     * mantissa μ) exceeds T_k iff E &gt; k − 7, or E = k − 7 and μ &gt; ½: adding 0x3FFFFF to the bits
     * carries into the exponent exactly when μ &gt; ½. T0 = 2^-7 is a plain compare of the bits.
     */
    static int field(int bits) {
        int aboveT0 = (0x3C000000 - bits) >>> 31; // 0x3C000000: the bits of 2^-7
        return aboveT0 + Math.max(0, Math.min(6, ((bits + 0x3FFFFF) >> 23) - 121));
    }

    private static final class Rule implements NibbleGroups.BlockRule {
        /** The absmax itself: field 7 decodes to it exactly. */
        @Override
        public float scale(float a) {
            return a;
        }

        @Override
        public void quantize(float[] v, int o, int m, float a, int[] nib, int at) {
            if (a == 0) {
                java.util.Arrays.fill(nib, at, at + m, 0);
                return;
            }
            for (int i = 0; i < m; i++) {
                int x = Float.floatToRawIntBits(v[o + i]);
                int e = field(Float.floatToRawIntBits(Float.intBitsToFloat(x & 0x7FFFFFFF) / a));
                nib[at + i] = e | ((x >>> 31) & (-e >>> 31)) << 3; // the sign bit, unless the value rounded to 0
            }
        }

        @Override
        public int firstInvalid(int[] nib, int m) {
            for (int i = 0; i < m; i++) if (nib[i] == 8) return i;
            return -1;
        }

        @Override
        public String invalid() {
            return "nibble 8 (negative zero)";
        }

        @Override
        public void dequantize(int[] nib, int at, int m, float scale, float[] out, int o) {
            for (int i = 0; i < m; i++) out[o + i] = scale * LEVEL[nib[at + i]];
        }
    }

    @Override
    public String toString() {
        return spec();
    }
}
