package org.diloco4j.core.codec;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Arrays;
import java.util.Objects;

/**
 * Sparsification: keeps the k = ⌈fraction · n⌉ values of largest |x| exactly and sends zero for
 * the rest. Meant to run inside {@link ErrorFeedback}, which carries what was dropped into the next
 * round. Ties in |x| go to the lowest indices.
 *
 * <p>k is computed in decimal from the fraction as written ({@code topk:0.07} keeps exactly 7 of
 * 100 values, where binary floating point would give 7.000000000000001 and so 8). With n ≥ 1, k ≥ 1.
 *
 * <p>Layout: {@code header | fraction f64 | k int32 | k × fp32 values | k indices}, the indices
 * ascending, each in ⌈log2 n⌉ bits packed least-significant bit first (no bits when n = 1).
 */
public record TopKCodec(double fraction) implements Codec {
    private static final int PARAMS_END = Wire.HEADER + 8 + 4;

    public TopKCodec {
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("fraction must be a number in (0, 1], got " + fraction);
        }
    }

    @Override
    public String name() {
        return CodecKind.TOPK.configName();
    }

    @Override
    public String spec() {
        return name() + ":" + BigDecimal.valueOf(fraction).stripTrailingZeros().toPlainString();
    }

    /** Values kept out of {@code len}. */
    public int k(int len) {
        return (int) k((long) len); // k ≤ len
    }

    /** Values kept out of {@code len}, for sizes beyond one message. */
    public long k(long len) {
        Wire.checkLen(len);
        return BigDecimal.valueOf(fraction).multiply(BigDecimal.valueOf(len)).setScale(0, RoundingMode.CEILING).longValueExact();
    }

    @Override
    public long encodedSize(long len) {
        long k = k(len);
        return PARAMS_END + 4L * k + BitPacking.bytes(k, BitPacking.bitsFor(len));
    }

    @Override
    public byte[] encode(float[] values, int off, int len) {
        Objects.checkFromIndexSize(off, len, values.length);
        int k = k(len);
        byte[] out = Wire.start(this, CodecKind.TOPK, encodedSize(len), len);
        Wire.DOUBLE.set(out, Wire.HEADER, fraction);
        Wire.INT.set(out, Wire.HEADER + 8, k);
        int[] idx = new int[k];
        if (!TopKSelector.select(values, off, len, k, idx)) throw Wire.nonFinite(this, values, off, len);
        float[] kept = new float[k];
        for (int i = 0; i < k; i++) kept[i] = values[off + idx[i]];
        Wire.floats(out, PARAMS_END, k).put(kept);
        BitPacking.pack(idx, k, BitPacking.bitsFor(len), out, PARAMS_END + 4 * k);
        return out;
    }

    @Override
    public void decode(byte[] encoded, float[] out, int off, int len) {
        Objects.checkFromIndexSize(off, len, out.length);
        Sparse s = read(encoded, len);
        Arrays.fill(out, off, off + len, 0f);
        for (int i = 0; i < s.idx.length; i++) out[off + s.idx[i]] = s.values[i];
    }

    /** Touches only the kept entries: {@code acc[off + idx] += weight · value}. */
    @Override
    public void decodeAdd(byte[] encoded, float[] acc, int off, int len, float weight) {
        Objects.checkFromIndexSize(off, len, acc.length);
        Sparse s = read(encoded, len);
        for (int i = 0; i < s.idx.length; i++) acc[off + s.idx[i]] += weight * s.values[i];
    }

    private record Sparse(int[] idx, float[] values) {}

    /** Parses and fully validates a message before anything is written. */
    private Sparse read(byte[] encoded, int len) {
        Wire.checkHeader(encoded, this, CodecKind.TOPK, len, PARAMS_END);
        double f = (double) Wire.DOUBLE.get(encoded, Wire.HEADER);
        if (Double.doubleToRawLongBits(f) != Double.doubleToRawLongBits(fraction)) {
            throw new CodecException(spec() + ": message has fraction " + f + ", expected " + fraction);
        }
        int k = (int) Wire.INT.get(encoded, Wire.HEADER + 8);
        int expectedK = k(len);
        if (k != expectedK) throw new CodecException(spec() + ": message keeps " + k + " values, expected " + expectedK);
        Wire.checkSize(encoded, this, encodedSize(len), len);

        float[] values = new float[k];
        Wire.floats(encoded, PARAMS_END, k).get(values);
        for (int i = 0; i < k; i++) {
            if (!Float.isFinite(values[i])) throw new CodecException(spec() + ": kept value " + i + " is " + values[i]);
        }
        int[] idx = new int[k];
        if (!BitPacking.unpack(encoded, PARAMS_END + 4 * k, k, BitPacking.bitsFor(len), idx)) {
            throw new CodecException(spec() + ": padding bits after the last index are not 0");
        }
        for (int i = 0; i < k; i++) {
            if (idx[i] >= len) throw new CodecException(spec() + ": index " + idx[i] + " out of range [0, " + len + ")");
            if (i > 0 && idx[i] <= idx[i - 1]) {
                throw new CodecException(spec() + ": indices not strictly increasing: " + idx[i - 1] + " then " + idx[i]);
            }
        }
        return new Sparse(idx, values);
    }

    @Override
    public String toString() {
        return spec();
    }
}
