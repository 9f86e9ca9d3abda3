package org.diloco4j.core.codec;

import java.util.Objects;

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
public record Q4Codec(int block) implements Codec {
    public static final int DEFAULT_BLOCK = 64;
    public static final int MAX_BLOCK = 1 << 20;
    public static final int LEVELS = 7;
    /** Below this absmax, 7/a overflows a float: such blocks are quantized in double. */
    private static final float TINY = 1e-37f;

    public Q4Codec {
        NibbleGroups.checkBlock(block, MAX_BLOCK);
    }

    public Q4Codec() {
        this(DEFAULT_BLOCK);
    }

    @Override
    public String name() {
        return CodecKind.Q4.configName();
    }

    @Override
    public String spec() {
        return name() + ":block=" + block;
    }

    @Override
    public long encodedSize(int len) {
        return NibbleGroups.encodedSize(block, len);
    }

    @Override
    public byte[] encode(float[] values, int off, int len) {
        Objects.checkFromIndexSize(off, len, values.length);
        byte[] out = Wire.start(this, CodecKind.Q4, encodedSize(len), len);
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
                Wire.FLOAT.set(out, sp, a / LEVELS);
                sp += 4;
                if (a >= TINY) {
                    float inv = LEVELS / a;
                    // nibble = clamp(round(x·inv) + 8, 1, 15); truncating the positive x·inv + 8.5 floors it.
                    for (int i = 0; i < m; i++) nib[bs + i] = Math.max(1, Math.min(15, (int) (values[o + i] * inv + 8.5f)));
                } else {
                    double inv = a == 0 ? 0 : LEVELS / (double) a;
                    for (int i = 0; i < m; i++) nib[bs + i] = Math.max(1, Math.min(15, (int) (values[o + i] * inv + 8.5)));
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
        NibbleGroups.checkMessage(this, CodecKind.Q4, block, encoded, len);
        int group = NibbleGroups.group(block);
        NibbleGroups.Lanes l = new NibbleGroups.Lanes(Math.min(group, len));
        int[] nib = l.nib;
        int sp = NibbleGroups.PARAMS_END;
        int np = NibbleGroups.nibblesAt(block, len);
        for (long gs = 0; gs < len; gs += group) {
            int gm = (int) Math.min(group, len - gs);
            if (!NibbleGroups.unpack(encoded, np, gm, l)) throw new CodecException(spec() + ": padding nibble of the last byte is not 0");
            np += (gm + 1) >>> 1;
            int bad = 0;
            for (int i = 0; i < gm; i++) bad |= nib[i] - 1;
            if (bad < 0) throw new CodecException(spec() + ": nibble 0 (no level) in the group of values from " + gs);
            for (int bs = 0; bs < gm; bs += block) {
                int m = Math.min(block, gm - bs);
                int o = off + (int) gs + bs;
                float scale = (float) Wire.FLOAT.get(encoded, sp);
                sp += 4;
                for (int i = 0; i < m; i++) out[o + i] = (nib[bs + i] - 8) * scale;
            }
        }
    }

    @Override
    public String toString() {
        return spec();
    }
}
