package org.diloco4j.core.codec;

import org.diloco4j.core.params.VectorOps;

/**
 * How the 4-bit codecs ({@link Q4Codec}, {@link Fp4Codec}) pack their nibbles, the part of the
 * wire format they share: after the header, the block size (int32) and one fp32 scale per block,
 * the nibbles follow in groups of G values, G the smallest multiple of the block that is at least
 * {@value #MIN_GROUP} (the last group may be shorter). In a group of m values with g = ⌊m/8⌋, g
 * little-endian 32-bit words come first, word j holding the nibbles of values j + t·g at bits 4t
 * to 4t + 3 (t = 0 … 7); the remaining m − 8g values follow two per byte, low nibble first, the
 * high nibble of an odd last byte 0. Interleaving eighths of a group keeps every loop on
 * contiguous 32-bit lanes, which the JIT vectorizes (it does not vectorize narrowing byte stores).
 */
final class NibbleGroups {
    /** Lower bound of the nibble group size: part of the wire format. */
    static final int MIN_GROUP = 4096;
    /** Offset of the first scale: header, then the block size. */
    static final int PARAMS_END = Wire.HEADER + 4;

    private NibbleGroups() {}

    /** Values per group for blocks of {@code block} values. */
    private static int group(int block) {
        return block * ((MIN_GROUP + block - 1) / block);
    }

    private static long blocks(int block, long len) {
        return (len + (long) block - 1) / block;
    }

    /** Exact message length: header, block size, one fp32 scale per block, ⌈len/2⌉ bytes of nibbles. */
    static long encodedSize(int block, long len) {
        Wire.checkLen(len);
        return PARAMS_END + 4 * blocks(block, len) + (len + 1L) / 2;
    }

    /** Offset of the first nibble byte in a message of {@code len} values. */
    private static int nibblesAt(int block, int len) {
        return (int) (PARAMS_END + 4 * blocks(block, len));
    }

    /** Per-call buffers for one group: the codecs themselves stay stateless and thread-safe. */
    private static final class Lanes {
        /** The nibbles of the group being packed or unpacked, one per int. */
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

    /** Writes the first {@code m} nibbles of {@code l.nib} at {@code p}. */
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

    /** Reads a group's {@code m} nibbles into {@code l.nib}; false if the odd last byte's high nibble is not 0. */
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

    /**
     * Checks the block size a message declares, its exact length and every scale (finite, ≥ 0)
     * before anything is written.
     */
    private static void checkMessage(Codec codec, CodecKind kind, int block, byte[] encoded, int len) {
        Wire.checkHeader(encoded, codec, kind, len, PARAMS_END);
        int b = (int) Wire.INT.get(encoded, Wire.HEADER);
        if (b != block) throw new CodecException(codec.spec() + ": message has block " + b + ", expected " + block);
        Wire.checkSize(encoded, codec, encodedSize(block, len), len);
        for (long i = 0, n = blocks(block, len); i < n; i++) {
            float scale = (float) Wire.FLOAT.get(encoded, (int) (PARAMS_END + 4 * i));
            if (!(scale >= 0) || Float.isInfinite(scale)) {
                throw new CodecException(codec.spec() + ": scale of block " + i + " is " + scale + ", expected a finite value >= 0");
            }
        }
    }

    /** What distinguishes one 4-bit codec from the other: how a block is quantized and read back. */
    interface BlockRule {
        /** The fp32 scale stored for a block whose largest |x| is {@code absmax} (finite). */
        float scale(float absmax);

        /** Writes the nibbles of {@code v[o, o + m)} into {@code nib[at, at + m)}. */
        void quantize(float[] v, int o, int m, float absmax, int[] nib, int at);

        /** Index of the first nibble of {@code nib[0, m)} the codec never writes, or −1. */
        int firstInvalid(int[] nib, int m);

        /** What an invalid nibble is, for the error, e.g. {@code nibble 0 (no level)}. */
        String invalid();

        /** Decodes {@code nib[at, at + m)} of a block with {@code scale} into {@code out[o, o + m)}. */
        void dequantize(int[] nib, int at, int m, float scale, float[] out, int o);
    }

    /** The rule of a 4-bit codec family. */
    static BlockRule rule(CodecKind kind) {
        return switch (kind) {
            case Q4 -> Q4Codec.RULE;
            case FP4 -> Fp4Codec.RULE;
            default -> throw new IllegalArgumentException(kind + " is not a 4-bit block codec");
        };
    }

    /** Encodes {@code values[off, off + len)} as {@code codec}'s message: scales, then nibbles in groups. */
    static byte[] encode(Codec codec, CodecKind kind, int block, BlockRule rule, float[] values, int off, int len) {
        java.util.Objects.checkFromIndexSize(off, len, values.length);
        byte[] out = Wire.start(codec, kind, encodedSize(block, len), len);
        Wire.INT.set(out, Wire.HEADER, block);
        int group = group(block);
        Lanes l = new Lanes(Math.min(group, len));
        int sp = PARAMS_END;
        int np = nibblesAt(block, len);
        for (long gs = 0; gs < len; gs += group) { // long: gs + group may pass Integer.MAX_VALUE
            int gm = (int) Math.min(group, len - gs);
            for (int bs = 0; bs < gm; bs += block) {
                int m = Math.min(block, gm - bs);
                int o = off + (int) gs + bs;
                float a = VectorOps.maxAbs(values, o, o + m);
                if (!Float.isFinite(a)) throw Wire.nonFinite(codec, values, off, len);
                Wire.FLOAT.set(out, sp, rule.scale(a));
                sp += 4;
                rule.quantize(values, o, m, a, l.nib, bs);
            }
            pack(l, gm, out, np);
            np += (gm + 1) >>> 1;
        }
        return out;
    }

    /** Decodes a message of {@code codec} into {@code out[off, off + len)}, after checking it whole. */
    static void decode(Codec codec, CodecKind kind, int block, BlockRule rule, byte[] encoded, float[] out, int off, int len) {
        java.util.Objects.checkFromIndexSize(off, len, out.length);
        checkMessage(codec, kind, block, encoded, len);
        int group = group(block);
        Lanes l = new Lanes(Math.min(group, len));
        int sp = PARAMS_END;
        int np = nibblesAt(block, len);
        for (long gs = 0; gs < len; gs += group) {
            int gm = (int) Math.min(group, len - gs);
            if (!unpack(encoded, np, gm, l)) throw new CodecException(codec.spec() + ": padding nibble of the last byte is not 0");
            np += (gm + 1) >>> 1;
            int bad = rule.firstInvalid(l.nib, gm);
            if (bad >= 0) throw new CodecException(codec.spec() + ": " + rule.invalid() + " at value " + (gs + bad));
            for (int bs = 0; bs < gm; bs += block) {
                int m = Math.min(block, gm - bs);
                rule.dequantize(l.nib, bs, m, (float) Wire.FLOAT.get(encoded, sp), out, off + (int) gs + bs);
                sp += 4;
            }
        }
    }

    /** The block-size rule both codecs share (even, so that blocks start on whole bytes). */
    static int checkBlock(int block, int max) {
        if (block < 2 || block > max || block % 2 != 0) {
            throw new IllegalArgumentException("block must be a positive even integer (at most " + max + "), got " + block);
        }
        return block;
    }
}
