package org.diloco4j.core.codec;

/**
 * 4-bit uniform quantization with one fp32 scale per block of {@code block} values (the last block
 * may be shorter): 4 + 32/block bits per value, 4.5 at the default block of 64. Levels are uniform
 * and symmetric: with a = max |x| over the block,
 * <pre>
 *   scale = a / 7,   level = round(x / scale) ∈ {−7, …, 7},   decode = level · scale
 * </pre>
 * so zero and ±a are exact and every error is at most scale / 2 = a / 14. The nibble stored is
 * level + 8 ∈ [1, 15]; nibble 0 never occurs and is rejected on decode. (A 16th level would make
 * the grid asymmetric for no gain in the worst-case error.)
 *
 * <p>Layout: {@code header | block int32 | scales: one fp32 per block | nibbles, ⌈n/2⌉ bytes},
 * the nibbles packed as {@link NibbleGroups} says.
 */
public record Q4Codec(int block) implements BlockCodec {
    public static final int DEFAULT_BLOCK = 64;
    public static final int MAX_BLOCK = 1 << 20;
    public static final int LEVELS = 7;
    /** Below this absmax, 7/a overflows a float: such blocks are quantized in double. */
    private static final float TINY = 1e-37f;
    static final NibbleGroups.BlockRule RULE = new Rule();

    public Q4Codec {
        NibbleGroups.checkBlock(block, MAX_BLOCK);
    }

    public Q4Codec() {
        this(DEFAULT_BLOCK);
    }

    @Override
    public CodecKind kind() {
        return CodecKind.Q4;
    }

    private static final class Rule implements NibbleGroups.BlockRule {
        @Override
        public float scale(float a) {
            return a / LEVELS;
        }

        @Override
        public void quantize(float[] v, int o, int m, float a, int[] nib, int at) {
            if (a >= TINY) {
                float inv = LEVELS / a;
                // nibble = clamp(round(x·inv) + 8, 1, 15); truncating the positive x·inv + 8.5 floors it.
                for (int i = 0; i < m; i++) nib[at + i] = Math.max(1, Math.min(15, (int) (v[o + i] * inv + 8.5f)));
            } else {
                double inv = a == 0 ? 0 : LEVELS / (double) a;
                for (int i = 0; i < m; i++) nib[at + i] = Math.max(1, Math.min(15, (int) (v[o + i] * inv + 8.5)));
            }
        }

        @Override
        public int firstInvalid(int[] nib, int m) {
            int bad = 0;
            for (int i = 0; i < m; i++) bad |= nib[i] - 1; // negative iff some nibble is 0
            if (bad >= 0) return -1;
            for (int i = 0; ; i++) if (nib[i] == 0) return i;
        }

        @Override
        public String invalid() {
            return "nibble 0 (no level)";
        }

        @Override
        public void dequantize(int[] nib, int at, int m, float scale, float[] out, int o) {
            for (int i = 0; i < m; i++) out[o + i] = (nib[at + i] - 8) * scale;
        }
    }

    @Override
    public String toString() {
        return spec();
    }
}
