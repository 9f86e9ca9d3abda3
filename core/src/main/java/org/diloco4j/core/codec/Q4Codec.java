package org.diloco4j.core.codec;

import java.util.Objects;

/**
 * 4-bit quantization with one fp32 scale per block of {@code block} values (the last block may be
 * shorter). Levels are uniform and symmetric: with a = max |x| over the block,
 * <pre>
 *   scale = a / 7,   level = round(x / scale) ∈ {−7, …, 7},   decode = level · scale
 * </pre>
 * so zero and ±a are exact and every error is at most scale / 2 = a / 14. The nibble stored is
 * level + 8 ∈ [1, 15]; nibble 0 never occurs and is rejected on decode. (A 16th level would make
 * the grid asymmetric for no gain in the worst-case error.)
 *
 * <p>Layout: {@code header | block int32 | scales: one fp32 per block | nibbles, ⌈n/2⌉ bytes}.
 * Nibbles are packed per group of G values, G the smallest multiple of the block that is at least
 * {@value #MIN_GROUP} (the last group may be shorter). In a group of m values with g = ⌊m/8⌋, g
 * little-endian 32-bit words come first, word j holding the nibbles of values j + t·g at bits 4t
 * to 4t + 3 (t = 0 … 7); the remaining m − 8g values follow two per byte, low nibble first, the
 * high nibble of an odd last byte 0. Interleaving eighths of a group keeps every loop on
 * contiguous 32-bit lanes, which the JIT vectorizes (it does not vectorize narrowing byte stores).
 */
public record Q4Codec(int block) implements Codec {
    public static final int DEFAULT_BLOCK = 64;
    public static final int MAX_BLOCK = 1 << 20;
    public static final int LEVELS = 7;
    /** Lower bound of the nibble group size: part of the wire format. */
    public static final int MIN_GROUP = 4096;
    private static final int PARAMS_END = Wire.HEADER + 4;
    /** Below this absmax, 7/a overflows a float: such blocks are quantized in double. */
    private static final float TINY = 1e-37f;

    public Q4Codec {
        if (block < 2 || block > MAX_BLOCK || block % 2 != 0) {
            throw new IllegalArgumentException("block must be a positive even integer (at most " + MAX_BLOCK + "), got " + block);
        }
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

    private long blocks(int len) {
        return (len + (long) block - 1) / block;
    }

    private int group() {
        return block * ((MIN_GROUP + block - 1) / block);
    }

    @Override
    public long encodedSize(int len) {
        Wire.checkLen(len);
        return PARAMS_END + 4 * blocks(len) + (len + 1L) / 2;
    }

    @Override
    public byte[] encode(float[] values, int off, int len) {
        Objects.checkFromIndexSize(off, len, values.length);
        byte[] out = Wire.start(this, CodecKind.Q4, encodedSize(len), len);
        Wire.INT.set(out, Wire.HEADER, block);
        Lanes l = new Lanes(Math.min(group(), len));
        int[] nib = l.nib;
        int sp = PARAMS_END;
        int np = (int) (PARAMS_END + 4 * blocks(len));
        for (long gs = 0; gs < len; gs += group()) { // long: gs + group may pass Integer.MAX_VALUE
            int gm = (int) Math.min(group(), len - gs);
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
            pack(l, gm, out, np);
            np += (gm + 1) >>> 1;
        }
        return out;
    }

    /** Per-call buffers for one group: the codec itself stays stateless and thread-safe. */
    private static final class Lanes {
        final int[] nib;
        final int[] words;
        /**
         * The eight eighths of a group's nibbles, copied apart: the JIT vectorizes e0[j] … e7[j] but
         * not nib[j + t·g] of one array.
         */
        final int[] e0, e1, e2, e3, e4, e5, e6, e7;

        Lanes(int group) {
            int g = group / 8;
            nib = new int[group];
            words = new int[g];
            e0 = new int[g];
            e1 = new int[g];
            e2 = new int[g];
            e3 = new int[g];
            e4 = new int[g];
            e5 = new int[g];
            e6 = new int[g];
            e7 = new int[g];
        }
    }

    private static void pack(Lanes l, int m, byte[] out, int p) {
        int g = m >>> 3;
        int[] nib = l.nib;
        int[] e0 = l.e0, e1 = l.e1, e2 = l.e2, e3 = l.e3, e4 = l.e4, e5 = l.e5, e6 = l.e6, e7 = l.e7;
        System.arraycopy(nib, 0, e0, 0, g);
        System.arraycopy(nib, g, e1, 0, g);
        System.arraycopy(nib, 2 * g, e2, 0, g);
        System.arraycopy(nib, 3 * g, e3, 0, g);
        System.arraycopy(nib, 4 * g, e4, 0, g);
        System.arraycopy(nib, 5 * g, e5, 0, g);
        System.arraycopy(nib, 6 * g, e6, 0, g);
        System.arraycopy(nib, 7 * g, e7, 0, g);
        int[] w = l.words;
        for (int j = 0; j < g; j++) {
            w[j] = e0[j] | e1[j] << 4 | e2[j] << 8 | e3[j] << 12 | e4[j] << 16 | e5[j] << 20 | e6[j] << 24 | e7[j] << 28;
        }
        Wire.ints(out, p, g).put(w, 0, g);
        int q = p + 4 * g;
        for (int i = 8 * g; i < m; i += 2) out[q++] = (byte) (nib[i] | (i + 1 < m ? nib[i + 1] << 4 : 0));
    }

    /** Reads a group's nibbles into {@code l.nib}; false if the odd last byte's high nibble is not 0. */
    private static boolean unpack(byte[] in, int p, int m, Lanes l) {
        int g = m >>> 3;
        int[] w = l.words;
        int[] e0 = l.e0, e1 = l.e1, e2 = l.e2, e3 = l.e3, e4 = l.e4, e5 = l.e5, e6 = l.e6, e7 = l.e7;
        Wire.ints(in, p, g).get(w, 0, g);
        for (int j = 0; j < g; j++) {
            int x = w[j];
            e0[j] = x & 15;
            e1[j] = (x >>> 4) & 15;
            e2[j] = (x >>> 8) & 15;
            e3[j] = (x >>> 12) & 15;
            e4[j] = (x >>> 16) & 15;
            e5[j] = (x >>> 20) & 15;
            e6[j] = (x >>> 24) & 15;
            e7[j] = x >>> 28;
        }
        int[] nib = l.nib;
        System.arraycopy(e0, 0, nib, 0, g);
        System.arraycopy(e1, 0, nib, g, g);
        System.arraycopy(e2, 0, nib, 2 * g, g);
        System.arraycopy(e3, 0, nib, 3 * g, g);
        System.arraycopy(e4, 0, nib, 4 * g, g);
        System.arraycopy(e5, 0, nib, 5 * g, g);
        System.arraycopy(e6, 0, nib, 6 * g, g);
        System.arraycopy(e7, 0, nib, 7 * g, g);
        int q = p + 4 * g;
        for (int i = 8 * g; i < m; i += 2) {
            int b = in[q++];
            nib[i] = b & 15;
            if (i + 1 < m) {
                nib[i + 1] = (b >>> 4) & 15;
            } else if ((b & 0xF0) != 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void decode(byte[] encoded, float[] out, int off, int len) {
        Objects.checkFromIndexSize(off, len, out.length);
        checkMessage(encoded, len);
        Lanes l = new Lanes(Math.min(group(), len));
        int[] nib = l.nib;
        int sp = PARAMS_END;
        int np = (int) (PARAMS_END + 4 * blocks(len));
        for (long gs = 0; gs < len; gs += group()) {
            int gm = (int) Math.min(group(), len - gs);
            if (!unpack(encoded, np, gm, l)) throw new CodecException(spec() + ": padding nibble of the last byte is not 0");
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

    /** Header, parameters, size and every scale, before anything is written. */
    private void checkMessage(byte[] encoded, int len) {
        Wire.checkHeader(encoded, this, CodecKind.Q4, len, PARAMS_END);
        int b = (int) Wire.INT.get(encoded, Wire.HEADER);
        if (b != block) throw new CodecException(spec() + ": message has block " + b + ", expected " + block);
        Wire.checkSize(encoded, this, encodedSize(len), len);
        for (long i = 0, n = blocks(len); i < n; i++) {
            float scale = (float) Wire.FLOAT.get(encoded, (int) (PARAMS_END + 4 * i));
            if (!(scale >= 0) || Float.isInfinite(scale)) {
                throw new CodecException(spec() + ": scale of block " + i + " is " + scale + ", expected a finite value >= 0");
            }
        }
    }

    @Override
    public String toString() {
        return spec();
    }
}
