package org.diloco4j.core.ingest;

import java.util.Arrays;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

import org.diloco4j.core.codec.BlockDecoder;
import org.diloco4j.core.codec.TableBlocks;
import org.diloco4j.core.optim.StepKernel;
import org.diloco4j.core.params.Fp32Vector;
import org.diloco4j.core.params.Fragment;
import org.diloco4j.core.params.Range;
import org.diloco4j.core.params.VectorOps;

/**
 * An encoded pseudo-gradient of {@code len} values, read block by block and never decoded whole.
 * Whole or nothing: {@link #scan} reads every block (header, decoding, finiteness, norm) before
 * anything is written; {@link #apply} then decodes each block again into a per-thread buffer and
 * feeds it to an outer step's kernel. Both run on all cores. Decoding is deterministic and the step
 * elementwise, so the result is that of decoding whole and stepping once, bit for bit, whatever
 * the split. A table codec's block (int8: 64K values) goes to the kernel as runs of codes with the
 * block's (scaled) table ({@link StepKernel#applyCoded}) where the kernel fuses the lookup into its
 * loop (Delayed Nesterov between momentum updates: measured 28–30 % less CPU at 100M and 6–15 % less
 * at 25M than decoding the block into the buffer first, docs/bench/ingest.md); for other kernels the block is decoded into the
 * buffer and stepped in one pass, as for every other codec.
 *
 * <p>The norm is summed by the codec's blocks (fixed by the layout, not the thread count): each
 * block's Σ x_i² ({@link BlockDecoder#squares}, or {@link TableBlocks#squares} from the counts of
 * each code for a table codec), the block sums added in block order in double. So it is the same
 * bits on any number of threads. A scan keeps what a table codec's blocks need for
 * {@link #scaledNorm} (256 counts and the table per block), so a scaled step's norm costs no
 * second pass; other codecs read the message once more, on all cores. Where the source brings those
 * counts, taken as its bytes arrived ({@link EncodedSource#histograms}, {@link ArrivalCounts}), the
 * scan checks the header it kept and sums the norm from them without reading a block; only a block
 * whose sum is not finite is read, to name its first non-finite value.
 */
public final class StreamedDelta {
    private final BlockDecoder decoder;
    private final EncodedSource source;
    private final int len;
    /** What the last {@link #scan} kept of each table block (null: none yet, or not a table codec). */
    private BlockHistograms histograms;

    public StreamedDelta(BlockDecoder decoder, EncodedSource source, int len) {
        this.decoder = decoder;
        this.source = source;
        this.len = len;
    }

    public BlockDecoder decoder() {
        return decoder;
    }

    public EncodedSource source() {
        return source;
    }

    public int len() {
        return len;
    }

    /**
     * What {@link #scan} found: the norm (summed by blocks, see the class comment), or the first
     * non-finite value and its index (then the norm is NaN).
     */
    public record Scan(double norm, int badIndex, float badValue) {
        public boolean finite() {
            return badIndex < 0;
        }
    }

    /**
     * One pass over the message, block by block on {@code pool} (null: on the calling thread): the
     * header, every block's decoding, and the L2 norm of the values (from the counts the source
     * brings, if it does, without reading the blocks). Where several blocks are
     * corrupt, the first one's error is thrown, as a sequential pass would.
     *
     * @throws org.diloco4j.core.codec.CodecException if the message is not a well-formed one of its codec
     */
    public Scan scan(ForkJoinPool pool) {
        int n = decoder.blocks(len);
        double[] sums = new double[n];
        RuntimeException[] failed = new RuntimeException[n];
        BlockHistograms came = source.histograms();
        if (came != null && came.fits(decoder, len)) {
            // Counted as the bytes arrived: the header and the counts are here, the blocks are not read.
            decoder.checkHeader(came.header(), len);
            for (int b = 0; b < n; b++) sums[b] = came.squares(b, 1f, false);
            histograms = came;
        } else if (decoder instanceof TableBlocks table) {
            BlockHistograms h = new BlockHistograms(table, len, checkHeader(), new int[n * TableBlocks.BINS], new float[n * TableBlocks.BINS]);
            forEach(n, pool, failed, b -> {
                BlockScratch s = read(b);
                table.histogram(b, s.bytes, 0, values(b), h.counts(), b * TableBlocks.BINS, h.tables(), b * TableBlocks.BINS);
                sums[b] = h.squares(b, 1f, false);
            });
            histograms = h;
        } else {
            checkHeader();
            histograms = null;
            forEach(n, pool, failed, b -> sums[b] = squares(b, 1f, false));
        }
        rethrowFirst(failed);
        for (int b = 0; b < n; b++) {
            // Block sums are non-finite exactly when a value is: the first such block holds the first such value.
            if (Double.isFinite(sums[b])) continue;
            float[] v = decode(b, 1f, false);
            for (int i = 0, m = values(b); i < m; i++) {
                if (!Float.isFinite(v[i])) return new Scan(Double.NaN, b * decoder.blockValues() + i, v[i]);
            }
        }
        return new Scan(combine(sums), -1, 0f);
    }

    /**
     * ‖factor·g‖ with each product rounded to fp32 (as {@code VectorOps.scale}), summed by blocks as
     * {@link #scan}'s norm: for a table codec from what the scan kept (Σ count_k · fl(factor·t_k)²,
     * fl(factor·t_k) being exactly the value {@link #apply} writes), else one more pass on {@code pool}.
     * Call after {@link #scan} passed.
     */
    public double scaledNorm(float factor, ForkJoinPool pool) {
        int n = decoder.blocks(len);
        double[] sums = new double[n];
        BlockHistograms h = histograms;
        if (h != null) {
            for (int b = 0; b < n; b++) sums[b] = h.squares(b, factor, true);
        } else {
            RuntimeException[] failed = new RuntimeException[n];
            forEach(n, pool, failed, b -> sums[b] = squares(b, factor, true));
            rethrowFirst(failed);
        }
        return combine(sums);
    }

    /** The norm from the block sums, added in block order. */
    private static double combine(double[] sums) {
        double sum = 0;
        for (double s : sums) sum += s;
        return Math.sqrt(sum);
    }

    /** Runs {@code block} for every block on {@code pool} (null: here, in order); what a block throws goes to {@code failed[b]}. */
    private static void forEach(int n, ForkJoinPool pool, RuntimeException[] failed, IntConsumer block) {
        IntConsumer caught = b -> {
            try {
                block.accept(b);
            } catch (RuntimeException e) {
                failed[b] = e;
            }
        };
        if (pool == null) {
            for (int b = 0; b < n; b++) caught.accept(b);
        } else {
            pool.submit(() -> IntStream.range(0, n).parallel().forEach(caught)).join();
        }
    }

    /** Block b's Σ x_i² (values scaled if {@code scale}), for a codec without a table. */
    private double squares(int b, float factor, boolean scale) {
        BlockScratch s = read(b);
        return decoder.squares(b, s.bytes, 0, values(b), factor, scale, s.values);
    }

    /** Block b's encoded bytes in this thread's scratch (which has room for a block's values too), from index 0. */
    private BlockScratch read(int b) {
        return readInto(BlockScratch.of(decoder.blockBytes(decoder.blockValues()), decoder.blockValues()), b);
    }

    /** {@link #read} into this thread's second scratch (this message beside another one's block). */
    private BlockScratch readSecond(int b) {
        return readInto(BlockScratch.second(decoder.blockBytes(decoder.blockValues()), decoder.blockValues()), b);
    }

    /** {@link #read} into this thread's third scratch (this message beside two others' blocks). */
    private BlockScratch readThird(int b) {
        return readInto(BlockScratch.third(decoder.blockBytes(decoder.blockValues()), decoder.blockValues()), b);
    }

    private BlockScratch readInto(BlockScratch s, int b) {
        source.read(decoder.blockOffset(b), s.bytes, 0, decoder.blockBytes(values(b)));
        return s;
    }

    /**
     * Decodes the whole vector into {@code out[0, len)}, block by block on {@code pool} (null: on the
     * calling thread), for the policies that keep a pseudo-gradient whole: no byte array of the
     * whole message is made.
     *
     * @throws org.diloco4j.core.codec.CodecException as {@link #scan}; {@code out} may be partly written
     */
    public void decodeAll(float[] out, ForkJoinPool pool) {
        VectorOps.requireLength("decode", "out", out, len);
        checkHeader();
        int n = decoder.blocks(len);
        RuntimeException[] failed = new RuntimeException[n];
        forEach(n, pool, failed, b -> decoder.decodeBlock(b, read(b).bytes, 0, values(b), out, b * decoder.blockValues()));
        rethrowFirst(failed);
    }

    /** What the first block that failed threw, as a pass in block order would have thrown it. */
    private static void rethrowFirst(RuntimeException[] failed) {
        for (RuntimeException e : failed) {
            if (e != null) throw e;
        }
    }

    /** Reads and checks the header; returns it. */
    private byte[] checkHeader() {
        byte[] header = new byte[decoder.headerBytes()];
        source.read(0, header, 0, header.length);
        decoder.checkHeader(header, len);
        return header;
    }

    /**
     * Applies {@code kernel} to fragment {@code f} of θ with this pseudo-gradient, scaled by
     * {@code factor} if {@code scale} (each value rounded to fp32, as {@code VectorOps.scale}),
     * block by block on {@code pool} (null: on the calling thread). Call after {@link #scan} passed.
     *
     * @return max |θ_i| over the fragment after the step (NaN or ∞ if any value is not finite)
     */
    public float apply(Fragment f, StepKernel kernel, float[] theta, float factor, boolean scale, ForkJoinPool pool) {
        return apply(f, kernel, Fp32Vector.wrap(theta), factor, scale, pool, true);
    }

    /**
     * {@link #apply(Fragment, StepKernel, float[], float, boolean, ForkJoinPool)} on a chunked θ: each
     * piece of a block that falls in one of the fragment's ranges is cut again where θ's chunks end
     * ({@link Fp32Vector#pieces}), so the kernel never runs across two arrays. Max |θ_i| is taken over
     * each piece right after the kernel wrote it (still in cache) only if {@code measure}: a caller
     * whose step guard already rules out overflow skips that pass (then 0 is returned).
     */
    public float apply(Fragment f, StepKernel kernel, Fp32Vector theta, float factor, boolean scale, ForkJoinPool pool, boolean measure) {
        if (f.size() != len) throw new IllegalArgumentException("a pseudo-gradient of " + len + " values applied to fragment " + f.id() + " of " + f.size());
        int[] starts = localStarts(f);
        AtomicInteger max = new AtomicInteger();
        IntConsumer block = b -> max.accumulateAndGet(applyBlock(b, f, starts, kernel, theta, factor, scale, measure), Math::max);
        int n = decoder.blocks(len);
        RuntimeException[] failed = new RuntimeException[n];
        forEach(n, pool, failed, block);
        rethrowFirst(failed);
        return Float.intBitsToFloat(max.get());
    }

    /**
     * Whether {@code next} (with {@code nextKernel}, the optimizer's step after {@code kernel}) can be
     * applied in one pass with this one by {@link #applyPair}: both of one table codec's layout and
     * length, both kernels looking g up in their loops, and the first pairing with the next.
     */
    public boolean pairs(StepKernel kernel, StreamedDelta next, StepKernel nextKernel) {
        return leadsPair(kernel) && decoder.equals(next.decoder) && len == next.len && nextKernel.fusesCoded();
    }

    /** Whether this pseudo-gradient, applied with {@code kernel}, could be the first of a pair ({@link #pairs}). */
    public boolean leadsPair(StepKernel kernel) {
        return decoder instanceof TableBlocks && kernel.fusesCoded() && kernel.pairsWithNext();
    }

    /**
     * {@link #apply} of this pseudo-gradient with {@code kernel}, then of {@code next} with
     * {@code nextKernel}, in one pass over θ and the optimizer's buffers ({@link StepKernel#applyCodedPair}):
     * θ and the buffers end bit for bit as the two applies leave them, but are streamed once. Both
     * blocks b are read side by side (two scratches per thread). Call only where {@link #pairs} holds,
     * after both scans passed.
     *
     * @return max |θ_i| over the fragment after both steps if {@code measure} (as {@link #apply}), else 0
     */
    public float applyPair(Fragment f, StepKernel kernel, float factor, boolean scale, StreamedDelta next, StepKernel nextKernel, float nextFactor,
                           boolean nextScale, Fp32Vector theta, ForkJoinPool pool, boolean measure) {
        if (!pairs(kernel, next, nextKernel)) throw new IllegalArgumentException("these two pseudo-gradients cannot be applied in one pass");
        return applyGroup(f, theta, pool, measure, new StreamedDelta[] {this, next}, new float[] {factor, nextFactor}, new boolean[] {scale, nextScale},
                (s, chunk, at, codeOff, stride, from, k) -> kernel.applyCodedPair(nextKernel, chunk, at, s[0].table, s[0].bytes, s[1].table, s[1].bytes,
                        codeOff, stride, from, k, s[0].values));
    }

    /**
     * {@link #applyPair} of this pseudo-gradient and {@code next}, then {@code third} with {@code thirdKernel} (the
     * optimizer's step after {@code nextKernel}), all three in one pass ({@link StepKernel#applyCodedTriple}): θ and
     * the buffers streamed once for three pushes. Call only where this pairs with {@code next} and {@code next} with
     * {@code third}, after the three scans passed.
     *
     * @return max |θ_i| over the fragment after the three steps if {@code measure}, else 0
     */
    public float applyTriple(Fragment f, StepKernel kernel, float factor, boolean scale, StreamedDelta next, StepKernel nextKernel, float nextFactor,
                             boolean nextScale, StreamedDelta third, StepKernel thirdKernel, float thirdFactor, boolean thirdScale,
                             Fp32Vector theta, ForkJoinPool pool, boolean measure) {
        if (!pairs(kernel, next, nextKernel) || !next.pairs(nextKernel, third, thirdKernel)) {
            throw new IllegalArgumentException("these three pseudo-gradients cannot be applied in one pass");
        }
        return applyGroup(f, theta, pool, measure, new StreamedDelta[] {this, next, third}, new float[] {factor, nextFactor, thirdFactor},
                new boolean[] {scale, nextScale, thirdScale},
                (s, chunk, at, codeOff, stride, from, k) -> kernel.applyCodedTriple(nextKernel, thirdKernel, chunk, at, s[0].table, s[0].bytes,
                        s[1].table, s[1].bytes, s[2].table, s[2].bytes, codeOff, stride, from, k, s[0].values));
    }

    /** One piece of a group's pass: the group's blocks in {@code s}, their codes' run from {@code codeOff} at {@code stride}. */
    @FunctionalInterface
    private interface GroupPiece {
        void step(BlockScratch[] s, float[] chunk, int at, int codeOff, int stride, int from, int k);
    }

    /**
     * The pass of {@link #applyPair} and {@link #applyTriple}: each block b of the messages (one layout) read side by side into
     * this thread's scratches, their tables scaled, and {@code piece} run over the runs of codes, cut where θ's ranges and chunks are.
     */
    private static float applyGroup(Fragment f, Fp32Vector theta, ForkJoinPool pool, boolean measure, StreamedDelta[] group, float[] factors,
                                    boolean[] scales, GroupPiece piece) {
        StreamedDelta lead = group[0];
        if (f.size() != lead.len) throw new IllegalArgumentException("a pseudo-gradient of " + lead.len + " values applied to fragment " + f.id() + " of " + f.size());
        TableBlocks t = (TableBlocks) lead.decoder;
        int[] starts = localStarts(f);
        AtomicInteger max = new AtomicInteger();
        IntConsumer block = b -> {
            int lo = b * lead.decoder.blockValues();
            int m = lead.values(b);
            BlockScratch[] s = new BlockScratch[group.length];
            for (int i = 0; i < group.length; i++) {
                s[i] = i == 0 ? lead.read(b) : i == 1 ? group[i].readSecond(b) : group[i].readThird(b);
                t.table(b, s[i].bytes, 0, m, factors[i], scales[i], s[i].table);
            }
            int bits = 0;
            for (int v = 0; v < m; ) {
                TableBlocks.CodeRun run = t.run(m, v);
                int vlo = lo + v;
                bits = Math.max(bits, cut(f, starts, theta, vlo, run.end() - v, (chunk, at, from, k) -> {
                    piece.step(s, chunk, at, run.first() + (from - vlo) * run.stride(), run.stride(), from, k);
                    return measured(measure, chunk, at, k);
                }));
                v = run.end();
            }
            max.accumulateAndGet(bits, Math::max);
        };
        int n = lead.decoder.blocks(lead.len);
        RuntimeException[] failed = new RuntimeException[n];
        forEach(n, pool, failed, block);
        rethrowFirst(failed);
        return Float.intBitsToFloat(max.get());
    }

    /**
     * Applies block b; returns the bits of max |θ_i| over what it wrote (integer order of |x| bits is the order of |x|, NaN last)
     * if {@code measure}, else 0.
     */
    private int applyBlock(int b, Fragment f, int[] starts, StepKernel kernel, Fp32Vector theta, float factor, boolean scale, boolean measure) {
        int lo = b * decoder.blockValues();
        int m = values(b);
        if (!(decoder instanceof TableBlocks t) || !kernel.fusesCoded()) return step(f, starts, kernel, theta, decode(b, factor, scale), lo, m, measure);
        // A table codec's values are looked up where the kernel uses them, run of codes by run.
        BlockScratch s = read(b);
        t.table(b, s.bytes, 0, m, factor, scale, s.table);
        int bits = 0;
        for (int v = 0; v < m; ) {
            TableBlocks.CodeRun run = t.run(m, v);
            bits = Math.max(bits, stepCoded(f, starts, kernel, theta, s, run, lo + v, run.end() - v, measure));
            v = run.end();
        }
        return bits;
    }

    /**
     * Steps the fragment's values {@code [lo, lo + n)}, their codes the run's from its first byte in
     * {@code s.bytes}; returns the bits of max |θ_i| over what it wrote if {@code measure}, else 0.
     */
    private static int stepCoded(Fragment f, int[] starts, StepKernel kernel, Fp32Vector theta, BlockScratch s, TableBlocks.CodeRun run, int lo, int n,
                                 boolean measure) {
        return cut(f, starts, theta, lo, n, (chunk, at, from, k) -> {
            kernel.applyCoded(chunk, at, s.table, s.bytes, run.first() + (from - lo) * run.stride(), run.stride(), from, k, s.values);
            return measured(measure, chunk, at, k);
        });
    }

    /**
     * The bits of max |θ_i| over {@code chunk[at, at + k)}, just written (still in cache), if {@code measure}; else 0. At 100M
     * this pass was 14 % of the ingest pool's samples (docs/bench/step-guard-bound.md): the guard asks for it only when its
     * bound does not already rule out overflow.
     */
    private static int measured(boolean measure, float[] chunk, int at, int k) {
        return measure ? VectorOps.maxAbsBits(chunk, at, at + k) : 0;
    }

    /** The fragment's range that holds local index {@code lo}: the last one starting at or before it. */
    private static int firstRange(int[] starts, int lo) {
        int r = Arrays.binarySearch(starts, lo);
        return r >= 0 ? r : -r - 2;
    }

    /** Steps the fragment's values {@code [lo, lo + n)}, their g in {@code v[0, n)}; returns the bits of max |θ_i| over what it wrote if {@code measure}. */
    private static int step(Fragment f, int[] starts, StepKernel kernel, Fp32Vector theta, float[] v, int lo, int n, boolean measure) {
        return cut(f, starts, theta, lo, n, (chunk, at, from, k) -> {
            kernel.apply(chunk, at, v, from - lo, from, k);
            return measured(measure, chunk, at, k);
        });
    }

    /** One piece of a step: {@code k} values from local index {@code from}, at {@code chunk[at]} (one of θ's chunks); the bits of max |θ_i| it wrote. */
    @FunctionalInterface
    private interface Piece {
        int step(float[] chunk, int at, int from, int k);
    }

    /**
     * Cuts the fragment's values {@code [lo, lo + n)} where its ranges of θ are, and those where θ's
     * chunks end, and steps each piece; the max of their bits.
     */
    private static int cut(Fragment f, int[] starts, Fp32Vector theta, int lo, int n, Piece piece) {
        int bits = 0;
        for (int r = firstRange(starts, lo), hi = lo + n; r < starts.length && starts[r] < hi; r++) {
            Range range = f.ranges().get(r);
            int from = Math.max(lo, starts[r]);
            int to = (int) Math.min(hi, starts[r] + range.length());
            if (from >= to) continue;
            for (Fp32Vector.Piece c : theta.pieces(new Range(range.start() + (from - starts[r]), to - from))) {
                bits = Math.max(bits, piece.step(theta.chunk(c.chunk()), c.offset(), from, c.length()));
                from += c.length();
            }
        }
        return bits;
    }

    /** Where each of the fragment's ranges starts in its dense (local) order (the fragment is one message: fewer than 2^31 values). */
    private static int[] localStarts(Fragment f) {
        int[] starts = new int[f.ranges().size()];
        int at = 0;
        for (int r = 0; r < starts.length; r++) {
            starts[r] = at;
            at += (int) f.ranges().get(r).length();
        }
        return starts;
    }

    private int values(int b) {
        return (int) Math.min(decoder.blockValues(), len - (long) b * decoder.blockValues());
    }

    /** Block b decoded (and scaled) into this thread's scratch, values from index 0. */
    private float[] decode(int b, float factor, boolean scale) {
        int m = values(b);
        BlockScratch s = read(b);
        if (scale) decoder.decodeBlock(b, s.bytes, 0, m, s.values, 0, factor);
        else decoder.decodeBlock(b, s.bytes, 0, m, s.values, 0);
        return s.values;
    }
}
