package org.diloco4j.core.ingest;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

import org.diloco4j.core.codec.BlockDecoder;
import org.diloco4j.core.optim.StepKernel;
import org.diloco4j.core.params.Fragment;
import org.diloco4j.core.params.Range;
import org.diloco4j.core.params.SquareSums;
import org.diloco4j.core.params.VectorOps;

/**
 * An encoded pseudo-gradient of {@code len} values, read block by block and never decoded whole.
 * Whole or nothing: {@link #scan} reads every block (header, decoding, finiteness, norm) before
 * anything is written; {@link #apply} then decodes each block again into a per-thread buffer and
 * feeds it to an outer step's kernel, on all cores. Decoding is deterministic and the step
 * elementwise, so the result is that of decoding whole and stepping once, bit for bit, whatever
 * the split.
 */
public record StreamedDelta(BlockDecoder decoder, EncodedSource source, int len) {
    /**
     * What {@link #scan} found: the norm (exactly {@code VectorOps.norm2} of the decoded vector), or
     * the first non-finite value and its index (then the norm is NaN).
     */
    public record Scan(double norm, int badIndex, float badValue) {
        public boolean finite() {
            return badIndex < 0;
        }
    }

    /**
     * One pass over the message on the calling thread: the header, every block's decoding, and
     * the L2 norm of the values (summed in {@code VectorOps.norm2}'s order, so sequentially).
     *
     * @throws org.diloco4j.core.codec.CodecException if the message is not a well-formed one of its codec
     */
    public Scan scan() {
        checkHeader();
        SquareSums sums = squares(1f, false);
        if (!sums.finite()) {
            // Found again block by block: the first that makes the sums non-finite holds the first non-finite value.
            SquareSums again = new SquareSums(len);
            for (int b = 0, n = decoder.blocks(len); b < n; b++) {
                float[] v = decode(b, 1f, false);
                int m = values(b);
                again.add(v, 0, m);
                if (again.finite()) continue;
                for (int i = 0; i < m; i++) {
                    if (!Float.isFinite(v[i])) return new Scan(Double.NaN, b * decoder.blockValues() + i, v[i]);
                }
            }
        }
        return new Scan(sums.norm(), -1, 0f);
    }

    /**
     * Decodes the whole vector into {@code out[0, len)}, block by block (for the policies that keep
     * a pseudo-gradient whole): no byte array of the whole message is made.
     *
     * @throws org.diloco4j.core.codec.CodecException as {@link #scan}; {@code out} may be partly written
     */
    public void decodeAll(float[] out) {
        VectorOps.requireLength("decode", "out", out, len);
        checkHeader();
        BlockScratch s = BlockScratch.of(decoder.blockBytes(decoder.blockValues()), 0);
        for (int b = 0, n = decoder.blocks(len); b < n; b++) {
            int m = values(b);
            source.read(decoder.blockOffset(b), s.bytes, 0, decoder.blockBytes(m));
            decoder.decodeBlock(b, s.bytes, 0, m, out, b * decoder.blockValues());
        }
    }

    private void checkHeader() {
        byte[] header = new byte[decoder.headerBytes()];
        source.read(0, header, 0, header.length);
        decoder.checkHeader(header, len);
    }

    /**
     * ‖factor·g‖₂ with each product rounded to fp32, as {@code VectorOps.norm2} of the vector after
     * {@code VectorOps.scale(factor, g)}: a second sequential pass, needed only for a scaled step.
     */
    public double scaledNorm(float factor) {
        return squares(factor, true).norm();
    }

    /** Σ squares of the values (times {@code factor} if {@code scale}), block by block in the vector's order. */
    private SquareSums squares(float factor, boolean scale) {
        SquareSums sums = new SquareSums(len);
        BlockScratch s = BlockScratch.of(decoder.blockBytes(decoder.blockValues()), decoder.blockValues());
        for (int b = 0, n = decoder.blocks(len); b < n; b++) {
            int m = values(b);
            source.read(decoder.blockOffset(b), s.bytes, 0, decoder.blockBytes(m));
            decoder.addSquares(b, s.bytes, 0, m, factor, scale, s.values, sums);
        }
        return sums;
    }

    /**
     * Applies {@code kernel} to fragment {@code f} of θ with this pseudo-gradient, scaled by
     * {@code factor} if {@code scale} (each value rounded to fp32, as {@code VectorOps.scale}),
     * block by block on {@code pool} (null: on the calling thread). Call after {@link #scan} passed.
     *
     * @return max |θ_i| over the fragment after the step (NaN or ∞ if any value is not finite)
     */
    public float apply(Fragment f, StepKernel kernel, float[] theta, float factor, boolean scale, ForkJoinPool pool) {
        if (f.size() != len) throw new IllegalArgumentException("a pseudo-gradient of " + len + " values applied to fragment " + f.id() + " of " + f.size());
        int[] starts = localStarts(f);
        AtomicInteger max = new AtomicInteger();
        IntConsumer block = b -> max.accumulateAndGet(applyBlock(b, f, starts, kernel, theta, factor, scale), Math::max);
        int n = decoder.blocks(len);
        if (pool == null) {
            for (int b = 0; b < n; b++) block.accept(b);
        } else {
            pool.submit(() -> IntStream.range(0, n).parallel().forEach(block)).join();
        }
        return Float.intBitsToFloat(max.get());
    }

    /** Applies block b; returns the bits of max |θ_i| over what it wrote (integer order of |x| bits is the order of |x|, NaN last). */
    private int applyBlock(int b, Fragment f, int[] starts, StepKernel kernel, float[] theta, float factor, boolean scale) {
        float[] v = decode(b, factor, scale);
        int lo = b * decoder.blockValues();
        int hi = lo + values(b);
        int bits = 0;
        // The block's values [lo, hi) of the fragment, cut where the fragment's ranges of θ are.
        for (int r = 0; r < starts.length; r++) {
            Range range = f.ranges().get(r);
            int from = Math.max(lo, starts[r]);
            int to = Math.min(hi, starts[r] + range.length());
            if (from >= to) continue;
            int at = range.start() + (from - starts[r]);
            kernel.apply(theta, at, v, from - lo, from, to - from);
            bits = Math.max(bits, Float.floatToRawIntBits(VectorOps.maxAbs(theta, at, at + to - from)));
        }
        return bits;
    }

    /** Where each of the fragment's ranges starts in its dense (local) order. */
    private static int[] localStarts(Fragment f) {
        int[] starts = new int[f.ranges().size()];
        int at = 0;
        for (int r = 0; r < starts.length; r++) {
            starts[r] = at;
            at += f.ranges().get(r).length();
        }
        return starts;
    }

    private int values(int b) {
        return (int) Math.min(decoder.blockValues(), len - (long) b * decoder.blockValues());
    }

    /** Block b decoded (and scaled) into this thread's scratch, values from index 0. */
    private float[] decode(int b, float factor, boolean scale) {
        int m = values(b);
        int size = decoder.blockBytes(m);
        BlockScratch s = BlockScratch.of(decoder.blockBytes(decoder.blockValues()), decoder.blockValues());
        source.read(decoder.blockOffset(b), s.bytes, 0, size);
        if (scale) decoder.decodeBlock(b, s.bytes, 0, m, s.values, 0, factor);
        else decoder.decodeBlock(b, s.bytes, 0, m, s.values, 0);
        return s.values;
    }
}
