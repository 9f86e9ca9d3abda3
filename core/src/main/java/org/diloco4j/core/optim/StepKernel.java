package org.diloco4j.core.optim;

/**
 * One outer step's elementwise update, with its coefficients fixed by {@link OuterOptimizer#begin()}.
 * Every outer optimizer is elementwise, so the step may be applied to disjoint ranges in any order,
 * or to several at once from different threads, and the result is that of one whole-vector step
 * bit for bit (each element sees exactly the same operations).
 */
@FunctionalInterface
public interface StepKernel {
    /**
     * Applies the step to elements {@code [off, off + len)} of the optimizer's vector: θ_i at
     * {@code theta[thetaOff + i - off]}, g_i at {@code g[gOff + i - off]}, the optimizer's own
     * buffers at index i. Ranges of one step must not overlap; lengths are the caller's to check.
     */
    void apply(float[] theta, int thetaOff, float[] g, int gOff, int off, int len);

    /**
     * Whether {@link #applyCoded} looks g up inside this kernel's loop. If not, a caller with a
     * whole block to step does better to decode it into a buffer once and call {@link #apply} on it
     * (one long vectorized pass; measured faster than this default's runs, docs/bench/ingest.md).
     */
    default boolean fusesCoded() {
        return false;
    }

    /**
     * {@link #apply} with g coded: g_i is {@code table[codes[codeOff + (i − off)·stride] & 0xFF]}
     * (a table codec's values, int8's codes of one quarter of a chunk being every fourth byte).
     * θ and the buffers end exactly as decoding g and calling {@link #apply} leaves them. Nothing
     * else is computed: a caller whose step guard needs max |θ_i| takes it over the run just written
     * (still in cache), and one whose bound already rules out overflow skips that pass.
     *
     * <p>This default decodes up to {@code scratch.length} values at a time into {@code scratch} and
     * runs {@link #apply}'s vectorized loop on them. A kernel bound by memory rather than arithmetic
     * overrides it to look g up inside its loop (fused): the table lookup, which C2 cannot vectorize,
     * then overlaps the θ and buffer traffic instead of adding a pass of its own. (Decoding a few thousand
     * values at a time into an L1-sized scratch was measured slower than either: each short run restarts the memory streams.)
     */
    default void applyCoded(float[] theta, int thetaOff, float[] table, byte[] codes, int codeOff, int stride, int off, int len, float[] scratch) {
        for (int done = 0; done < len; done += scratch.length) {
            int n = Math.min(scratch.length, len - done);
            decode(table, codes, codeOff + done * stride, stride, scratch, n);
            apply(theta, thetaOff + done, scratch, 0, off + done, n);
        }
    }

    /**
     * Whether the optimizer's next step (begun after this one's commit) may run in one pass with this
     * one ({@link #applyCodedPair}): true only where the pair's loop gives exactly the bits of the two
     * steps one after the other and is worth having (Delayed Nesterov between momentum updates, and the
     * arrival before the N-th with the N-th when N is a power of two).
     */
    default boolean pairsWithNext() {
        return false;
    }

    /**
     * This step with g coded as {@link #applyCoded}, then {@code next} (the optimizer's next step, which
     * this one {@link #pairsWithNext pairs with}) with g' coded by {@code nextTable}/{@code nextCodes}
     * at the same offsets (two messages of one layout), on the same elements: θ and every buffer value
     * the optimizer reads again end exactly as the two calls one after the other leave them (a value
     * nothing reads again may be left unwritten: Delayed Nesterov's Σ g once the N-th arrival used it,
     * which its state reports as zeros). This default makes the two calls; a
     * kernel that pairs overrides it with one pass, which streams θ and its buffers once instead of
     * twice (docs/bench/paired-arrivals.md).
     */
    default void applyCodedPair(StepKernel next, float[] theta, int thetaOff, float[] table, byte[] codes, float[] nextTable, byte[] nextCodes,
                                int codeOff, int stride, int off, int len, float[] scratch) {
        applyCoded(theta, thetaOff, table, codes, codeOff, stride, off, len, scratch);
        next.applyCoded(theta, thetaOff, nextTable, nextCodes, codeOff, stride, off, len, scratch);
    }

    /**
     * This step, then {@code next}, then {@code third} (the optimizer's next two steps: this one
     * {@link #pairsWithNext pairs with} {@code next}, and {@code next} with {@code third}), g coded by
     * three messages of one layout at the same offsets, on the same elements: θ and every buffer value
     * the optimizer reads again end exactly as the three calls one after the other leave them. This
     * default runs the pair, then the third; a kernel that groups three overrides it with one pass
     * (θ and its buffers streamed once for three pushes).
     */
    default void applyCodedTriple(StepKernel next, StepKernel third, float[] theta, int thetaOff, float[] table, byte[] codes,
                                  float[] nextTable, byte[] nextCodes, float[] thirdTable, byte[] thirdCodes,
                                  int codeOff, int stride, int off, int len, float[] scratch) {
        applyCodedPair(next, theta, thetaOff, table, codes, nextTable, nextCodes, codeOff, stride, off, len, scratch);
        third.applyCoded(theta, thetaOff, thirdTable, thirdCodes, codeOff, stride, off, len, scratch);
    }

    /** {@code out[i] = table[codes[c + i·stride] & 0xFF]} for i &lt; n; int8's stride 4 as a constant, so C2 drops the bounds checks. */
    private static void decode(float[] table, byte[] codes, int c, int stride, float[] out, int n) {
        if (stride == 4) {
            for (int i = 0; i < n; i++) out[i] = table[codes[c + 4 * i] & 0xFF];
        } else {
            for (int i = 0; i < n; i++) out[i] = table[codes[c + i * stride] & 0xFF];
        }
    }
}
