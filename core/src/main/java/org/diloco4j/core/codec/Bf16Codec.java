package org.diloco4j.core.codec;

import java.util.Objects;

/**
 * bfloat16: the top 16 bits of each fp32, rounded to nearest, ties to even. Keeps fp32's range
 * (values past the largest bf16 round to ±infinity, as in PyTorch) with 8 significant bits, so the
 * relative error is at most 2^-8 for normal values. NaN stays a (quiet) NaN.
 *
 * <p>Layout: {@code header | 2 bytes per value}, in groups of {@value #GROUP} values (the last may
 * be shorter). In a group of m values with h = ⌊m/2⌋, the little-endian 32-bit word j (j &lt; h)
 * holds value j in its low half and value j + h in its high half; if m is odd its last value
 * follows as one 16-bit word. Pairing the halves of a group, rather than neighbours, keeps every
 * loop on contiguous 32-bit lanes, which the JIT vectorizes (it does not vectorize narrowing stores
 * to 16-bit arrays).
 */
public record Bf16Codec() implements Codec {
    /** Values per group: part of the wire format. */
    public static final int GROUP = 4096;

    @Override
    public String name() {
        return CodecKind.BF16.configName();
    }

    @Override
    public long encodedSize(long len) {
        Wire.checkLen(len);
        return Wire.HEADER + 2L * len;
    }

    /** The bf16 bits of {@code x}, round-to-nearest-even. */
    public static short toBf16(float x) {
        return (short) round(Float.floatToRawIntBits(x));
    }

    public static float fromBf16(short h) {
        return Float.intBitsToFloat(h << 16);
    }

    /** Branch-free: adding 0x7FFF plus the kept lsb rounds to nearest even. The result is in the low 16 bits. */
    private static int round(int b) {
        int rounded = (b + 0x7FFF + ((b >>> 16) & 1)) >>> 16;
        int nanMask = (0x7F800000 - (b & 0x7FFFFFFF)) >> 31; // -1 iff NaN; rounding could turn its payload into inf
        int quietNan = (b >>> 16) | 0x40;
        return (rounded & ~nanMask) | (quietNan & nanMask);
    }

    @Override
    public byte[] encode(float[] values, int off, int len) {
        Objects.checkFromIndexSize(off, len, values.length);
        byte[] out = Wire.start(this, CodecKind.BF16, encodedSize(len), len);
        Lanes l = new Lanes(Math.min(GROUP, len));
        int p = Wire.HEADER;
        for (int s = 0; s < len; s += GROUP) {
            int m = Math.min(GROUP, len - s);
            int h = m >>> 1;
            int o = off + s;
            // Halves in separate arrays: the JIT vectorizes lo[j], hi[j] but not v[j], v[j + h] of one array.
            Wire.floatBits(values, o, h, l.scratch, l.lo);
            Wire.floatBits(values, o + h, h, l.scratch, l.hi);
            int[] lo = l.lo;
            int[] hi = l.hi;
            int[] w = l.words;
            for (int j = 0; j < h; j++) w[j] = round(lo[j]) | (round(hi[j]) << 16);
            Wire.ints(out, p, h).put(w, 0, h);
            p += 4 * h;
            if (m % 2 != 0) {
                Wire.SHORT.set(out, p, (short) round(Float.floatToRawIntBits(values[o + m - 1])));
                p += 2;
            }
        }
        return out;
    }

    @Override
    public void decode(byte[] encoded, float[] out, int off, int len) {
        Objects.checkFromIndexSize(off, len, out.length);
        Wire.checkHeader(encoded, this, CodecKind.BF16, len, Wire.HEADER);
        Wire.checkSize(encoded, this, encodedSize(len), len);
        decodeGroups(encoded, Wire.HEADER, len, out, off, new Lanes(Math.min(GROUP, len)));
    }

    /** Decodes the groups of {@code len} values that start at {@code encoded[p]} into {@code out[off, off + len)}. */
    private static void decodeGroups(byte[] encoded, int p, int len, float[] out, int off, Lanes l) {
        for (int s = 0; s < len; s += GROUP) {
            int m = Math.min(GROUP, len - s);
            int h = m >>> 1;
            int o = off + s;
            int[] lo = l.lo;
            int[] hi = l.hi;
            int[] w = l.words;
            Wire.ints(encoded, p, h).get(w, 0, h);
            p += 4 * h;
            for (int j = 0; j < h; j++) {
                lo[j] = w[j] << 16;
                hi[j] = w[j] & 0xFFFF0000;
            }
            Wire.bitsToFloats(lo, h, l.scratch, out, o);
            Wire.bitsToFloats(hi, h, l.scratch, out, o + h);
            if (m % 2 != 0) {
                out[o + m - 1] = fromBf16((short) Wire.SHORT.get(encoded, p));
                p += 2;
            }
        }
    }

    /** Per thread: one group's lanes, so decoding a block allocates nothing large. */
    private static final ThreadLocal<Lanes> BLOCK_LANES = ThreadLocal.withInitial(() -> new Lanes(GROUP));

    @Override
    public BlockDecoder blocks() {
        return new FixedWidthBlocks(this, CodecKind.BF16, 2, (bytes, off, m, out, outOff) -> decodeGroups(bytes, off, m, out, outOff, BLOCK_LANES.get()));
    }

    /** Per-call buffers for one group: the codec itself stays stateless and thread-safe. */
    private static final class Lanes {
        final byte[] scratch;
        final int[] lo;
        final int[] hi;
        final int[] words;

        Lanes(int group) {
            scratch = new byte[2 * group];
            lo = new int[group / 2];
            hi = new int[group / 2];
            words = new int[group / 2];
        }
    }

    @Override
    public String toString() {
        return spec();
    }
}
