package org.diloco4j.net.bench;

import org.diloco4j.core.codec.Codec;
import org.diloco4j.core.params.Fp32Vector;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Large benchmark vectors made cheaply: one random period repeated. At 1B parameters a fully random
 * θ₀ or pseudo-gradient would cost 4 GB and a billion random draws per vector; a period of
 * {@link #PERIOD} values has the same distribution chunk by chunk, which is all the coordinator's
 * decode, checks and optimizer see.
 */
final class Tiled {
    /** 2^20 values: a multiple of every chunked codec's default chunk, so encoded chunks repeat too. */
    static final int PERIOD = 1 << 20;
    /** The codecs' common header holds the element count as a little-endian int32 at byte 4 (core's Wire). */
    private static final int COUNT_AT = 4;
    private static final int COUNT_END = COUNT_AT + 4;
    private static final VarHandle COUNT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private Tiled() {
    }

    /** {@code n} values uniform in ±amplitude/2, the first {@code period} drawn from {@code seed}, then repeated. */
    static float[] floats(int n, double amplitude, long seed, int period) {
        float[] v = new float[n];
        SplittableRandom r = new SplittableRandom(seed);
        int p = Math.min(n, period);
        for (int i = 0; i < p; i++) v[i] = (float) (amplitude * (r.nextDouble() - 0.5));
        // Doubling copies: log2(n / p) bulk copies instead of n draws.
        for (int filled = p; filled < n; filled *= 2) System.arraycopy(v, 0, v, filled, Math.min(filled, n - filled));
        return v;
    }

    /**
     * {@link #floats}'s values in chunks of 2^{@code shift} ({@link Fp32Vector}), made chunk by chunk
     * from one period: no array of all {@code n} values exists at any moment (at 1B parameters a
     * transient one would cost 4 GB the coordinator's bound does not leave).
     */
    static Fp32Vector vector(long n, double amplitude, long seed, int period, int shift) {
        float[] p = floats((int) Math.min(n, period), amplitude, seed, period);
        Fp32Vector v = Fp32Vector.zeros(n, shift);
        for (int c = 0; c < v.chunkCount(); c++) {
            float[] chunk = v.chunk(c);
            for (int at = 0; at < chunk.length; ) {
                int from = (int) ((v.chunkStart(c) + at) % period);
                int len = Math.min(chunk.length - at, p.length - from);
                System.arraycopy(p, from, chunk, at, len);
                at += len;
            }
        }
        return v;
    }

    /**
     * {@code codec.encode(floats(n, amplitude, seed, period))}, made without the n floats when the codec
     * encodes every chunk on its own behind a fixed header (int8, fp32, bf16, …): the encoded period is
     * then repeated. Whether it does is checked on the spot (one period encoded against two, header
     * aside), so a codec whose chunks depend on each other is simply encoded whole.
     */
    static byte[] encoded(Codec codec, int n, double amplitude, long seed, int period) {
        if (n <= 2 * period) return codec.encode(floats(n, amplitude, seed, period));
        byte[] one = codec.encode(floats(period, amplitude, seed, period));
        byte[] two = codec.encode(floats(2 * period, amplitude, seed, period));
        int tile = two.length - one.length;
        int head = one.length - tile;
        if (head < COUNT_END || !repeats(one, two, head, tile)) return codec.encode(floats(n, amplitude, seed, period));
        int whole = n / period;
        int rest = n - whole * period;
        byte[] tail = rest == 0 ? new byte[head] : codec.encode(floats(rest, amplitude, seed, period));
        long size = (long) head + (long) whole * tile + (tail.length - head);
        if (size > Integer.MAX_VALUE - 8) throw new IllegalArgumentException(n + " values encode to " + size + " bytes: more than one byte array");
        byte[] out = Arrays.copyOf(one, (int) size);
        COUNT.set(out, COUNT_AT, n);
        for (long k = 1, at = (long) head + tile; k < whole; k++, at += tile) System.arraycopy(one, head, out, (int) at, tile);
        System.arraycopy(tail, head, out, head + whole * tile, tail.length - head);
        return out;
    }

    /** Two periods encode to the one period's header (count aside) and its body twice. */
    private static boolean repeats(byte[] one, byte[] two, int head, int tile) {
        if (!Arrays.equals(one, 0, COUNT_AT, two, 0, COUNT_AT) || !Arrays.equals(one, COUNT_END, head, two, COUNT_END, head)) return false;
        return Arrays.equals(one, head, one.length, two, head, head + tile) && Arrays.equals(one, head, one.length, two, head + tile, two.length);
    }
}
