package org.diloco4j.core.optim;

import java.util.Map;


/**
 * Delayed Nesterov (Liu et al. 2024, "Asynchronous Local-SGD"), for pseudo-gradients applied one
 * at a time as they arrive. Buffer size N (≈ number of workers), c ∈ [0, 1/N] (default 0). On the
 * arrival of g, with t the number of earlier arrivals:
 * <pre>
 *   acc ← acc + g
 *   if (t+1) mod N == 0:  m ← μ m + acc/N ;  θ ← θ − η((1 − cN + c) μ m + g/N) ;  acc ← 0
 *   else:                                     θ ← θ − η(c μ m + g/N)
 * </pre>
 * So momentum moves once per N arrivals, from their mean; in between each arrival is an SGD step of
 * η/N (plus a c-weighted share of the old momentum). When a round's N pseudo-gradients arrive
 * together this equals synchronous Nesterov on their mean; with N = 1 it is {@link OuterNesterov}
 * rounding for rounding.
 *
 * <p>fp32 evaluation, per element: {@code θ ← fma(fma(m, K, g), −η/N, θ)}, i.e. θ − (η/N)(K m + g)
 * with K = cNμ between momentum updates and K = (1 − cN + c)Nμ at one; K is computed in double and
 * rounded once, η/N is the fp32 quotient. With c = 0 the mid-round step is exactly
 * {@code θ ← fma(g, −η/N, θ)}, i.e. {@link OuterSgd} with lr η/N. The momentum update is
 * {@code m ← μ·m + (acc + g)/N}, each operation rounded separately (μ·m then + the mean, as
 * PyTorch's buffer update), and the first one sets m to the mean exactly (torch's b₀ = 0 convention).
 *
 * <p>The accumulator is not cleared after a momentum update: the next arrival overwrites it
 * ({@code acc ← g}) instead of adding, which saves writing zeros and reading them back once per buffer.
 */
public final class DelayedNesterov implements OuterOptimizer {
    public static final String KIND = "delayed-nesterov";
    static final String MOMENTUM = "momentum";
    static final String ACCUMULATOR = "accumulator";

    private final int size;
    private final float lr;
    private final float momentum;
    private final int bufferSize;
    private final double c;
    /** η/N, fp32. */
    private final float lrOverN;
    /** Momentum coefficient between momentum updates, in units of η/N: cNμ. */
    private final float kMid;
    /** Momentum coefficient at a momentum update, in units of η/N: (1 − cN + c)Nμ. */
    private final float kEnd;
    /**
     * 1/N, exact when N is a power of two: then x·(1/N) and x/N are the same real number (x·2^-k) rounded once, so the
     * same float for every x (subnormal results, ±0, ∞ and NaN included), and the N-th arrival's fused loops multiply
     * where the vectorized {@link #kernel} divides. Any other N's reciprocal is rounded, so x·(1/N) may differ from x/N
     * in the last bit: those N keep the division, in the decode-then-kernel path.
     */
    private final float invN;
    /**
     * Whether N is a power of two, so the N-th arrival has fused coded loops (a multiplication by {@link #invN}; a
     * scalar division per value in a fused loop was measured slower than decoding first, docs/bench/ingest.md) and
     * the arrival before it pairs with it (docs/bench/paired-arrivals.md).
     */
    private final boolean meanFuses;
    /** m, length {@code size}. */
    private final float[] m;
    /** Σ g of the current buffer; only meaningful when {@code arrivals % N != 0}. */
    private final float[] acc;
    private long arrivals;

    /**
     * @param size       vector length
     * @param lr         η &gt; 0
     * @param momentum   μ ∈ [0, 1)
     * @param bufferSize N ≥ 1, arrivals per momentum update
     * @param c          ∈ [0, 1/N]; 0 (the paper's default) applies no momentum between updates
     */
    public DelayedNesterov(int size, double lr, double momentum, int bufferSize, double c) {
        this(size, lr, momentum, bufferSize, c, null);
    }

    /**
     * One continuing from {@code state} (as {@link #restore} would) whose momentum and accumulator are
     * the state's own arrays, not copies: for a state read from a checkpoint that nothing else uses (at
     * 1B parameters the copies would be 8 GB more). The caller must not use the state's arrays again.
     */
    public static DelayedNesterov adopting(int size, double lr, double momentum, int bufferSize, double c, OptimizerState state) {
        return new DelayedNesterov(size, lr, momentum, bufferSize, c, state);
    }

    /** @param adopted the state whose buffers become this optimizer's (checked as {@link #restore} checks), or null: zeros */
    private DelayedNesterov(int size, double lr, double momentum, int bufferSize, double c, OptimizerState adopted) {
        this.size = Hyper.size(size);
        this.lr = Hyper.lr(lr);
        this.momentum = Hyper.momentum(momentum);
        if (bufferSize < 1) throw new IllegalArgumentException("delayed Nesterov buffer size N must be >= 1, got " + bufferSize);
        if (!(c >= 0 && c <= 1.0 / bufferSize)) {
            throw new IllegalArgumentException("delayed Nesterov c must be in [0, 1/N] = [0, " + (1.0 / bufferSize) + "] for N="
                    + bufferSize + ", got " + c);
        }
        this.bufferSize = bufferSize;
        this.c = c;
        this.lrOverN = this.lr / bufferSize;
        this.kMid = (float) (c * bufferSize * this.momentum);
        this.kEnd = (float) ((1 - c * bufferSize + c) * bufferSize * this.momentum);
        this.invN = 1f / bufferSize;
        this.meanFuses = Integer.bitCount(bufferSize) == 1;
        if (adopted == null) {
            this.m = new float[size];
            this.acc = new float[size];
        } else {
            this.arrivals = checked(adopted);
            this.m = adopted.buffer(MOMENTUM);
            this.acc = adopted.buffer(ACCUMULATOR);
        }
    }

    @Override
    public int size() {
        return size;
    }

    public float lr() {
        return lr;
    }

    public float momentum() {
        return momentum;
    }

    public int bufferSize() {
        return bufferSize;
    }

    public double c() {
        return c;
    }

    /** Pseudo-gradients applied so far. */
    public long arrivals() {
        return arrivals;
    }

    /** Momentum updates done so far (one per N arrivals). */
    public long momentumUpdates() {
        return arrivals / bufferSize;
    }

    /** Whether the next step completes a buffer of N and updates the momentum. */
    public boolean nextUpdatesMomentum() {
        return arrivals % bufferSize == bufferSize - 1;
    }

    /** Which loop a step runs: where the arrival falls in its buffer of N, and whether c = 0. */
    private enum Case {
        /** Mid-buffer, c = 0: θ ← fma(g, −η/N, θ); the first of a buffer sets acc, the others add to it. */
        SGD_FIRST, SGD,
        /** Mid-buffer, c &gt; 0: the old momentum weighted by K = cNμ joins g. */
        MOMENTUM_FIRST, MOMENTUM,
        /** N = 1: every arrival updates the momentum from g alone; the first sets it. */
        ONLY_FIRST, ONLY,
        /** The N-th arrival of a buffer: momentum from the buffer's mean; the first update sets it. */
        MEAN_FIRST, MEAN
    }

    @Override
    public StepKernel begin() {
        int pos = (int) (arrivals % bufferSize);
        boolean firstUpdate = arrivals < bufferSize;
        Case c;
        if (pos == bufferSize - 1) {
            if (pos == 0) c = firstUpdate ? Case.ONLY_FIRST : Case.ONLY;
            else c = firstUpdate ? Case.MEAN_FIRST : Case.MEAN;
        } else if (kMid == 0f) {
            c = pos == 0 ? Case.SGD_FIRST : Case.SGD;
        } else {
            c = pos == 0 ? Case.MOMENTUM_FIRST : Case.MOMENTUM;
        }
        // Between momentum updates the next arrival is an SGD (or MOMENTUM) step too, or the N-th, which has paired loops
        // when its own loop fuses (N a power of two).
        boolean pairs = (c == Case.SGD_FIRST || c == Case.SGD || c == Case.MOMENTUM_FIRST || c == Case.MOMENTUM)
                && (pos + 1 < bufferSize - 1 || meanFuses);
        return new Step(c, pairs);
    }

    /**
     * One step's kernel: the vectorized loops for fp32 g, and fused ones for int8-coded g (per pair of cases, first or not, in two
     * {@link LoopShape}s), the N-th arrival's only when N is a power of two ({@link #invN}).
     */
    final class Step implements StepKernel {
        private final Case c;
        private final boolean pairs;

        Step(Case c, boolean pairs) {
            this.c = c;
            this.pairs = pairs;
        }

        private DelayedNesterov optimizer() {
            return DelayedNesterov.this;
        }

        @Override
        public boolean pairsWithNext() {
            return pairs;
        }

        /**
         * One pass for this step and the next (c = 0: acc ← (acc + g) + g', θ ← fma(g', a, fma(g, a, θ)); c &gt; 0 the
         * same with fma(m, K, g) for g, m unchanged between momentum updates; the N-th next: m from (acc + g) + g' as
         * its step takes it from acc + g'): each element sees the two steps' operations in their order, so the bits
         * are theirs. θ's index past 2^29, other strides, and the first momentum update (MEAN_FIRST, once per run: no
         * loop of its own is worth having): the two calls.
         */
        @Override
        public void applyCodedPair(StepKernel next, float[] theta, int thetaOff, float[] table, byte[] codes, float[] nextTable, byte[] nextCodes,
                                   int codeOff, int stride, int off, int len, float[] scratch) {
            boolean sgd = c == Case.SGD_FIRST || c == Case.SGD;
            Case after = sgd ? Case.SGD : Case.MOMENTUM;
            if (!pairs || stride != 4 || LoopShape.of(thetaOff, len) != LoopShape.THETA_INDEX
                    || !(next instanceof Step n && n.optimizer() == DelayedNesterov.this && (n.c == after || n.c == Case.MEAN))) {
                StepKernel.super.applyCodedPair(next, theta, thetaOff, table, codes, nextTable, nextCodes, codeOff, stride, off, len, scratch);
                return;
            }
            boolean first = c == Case.SGD_FIRST || c == Case.MOMENTUM_FIRST;
            if (n.c == Case.MEAN) {
                if (sgd) sgdThenMeanCoded(first, theta, thetaOff, table, codes, nextTable, nextCodes, codeOff, off, len);
                else momentumThenMeanCoded(first, theta, thetaOff, table, codes, nextTable, nextCodes, codeOff, off, len);
            } else if (sgd) {
                accumulateCodedPair(first, theta, thetaOff, table, codes, nextTable, nextCodes, codeOff, off, len);
            } else {
                accumulateWithMomentumCodedPair(first, theta, thetaOff, table, codes, nextTable, nextCodes, codeOff, off, len);
            }
        }

        /**
         * One pass for this step and the next two (this one pairs with next, next with third): SGD or MOMENTUM, then
         * the same, then the same or MEAN, each element seeing the three steps' operations in their order as the pair
         * loops do (acc ← ((acc + g1) + g2) + g3, θ ← fma(g3, a, fma(g2, a, fma(g1, a, θ))); with c &gt; 0 each
         * step's fma(m, K, g) takes m before the MEAN's update). θ streamed once for three pushes
         * (docs/bench/triple-arrivals.md). Other strides, θ's index past 2^29, and the first momentum update
         * (MEAN_FIRST): the default (the pair, then the third). A first-of-buffer step followed two later by
         * MEAN would mean N = 3, whose MEAN does not fuse: never asked for.
         */
        @Override
        public void applyCodedTriple(StepKernel next, StepKernel third, float[] theta, int thetaOff, float[] table, byte[] codes,
                                     float[] nextTable, byte[] nextCodes, float[] thirdTable, byte[] thirdCodes,
                                     int codeOff, int stride, int off, int len, float[] scratch) {
            boolean sgd = c == Case.SGD_FIRST || c == Case.SGD;
            Case after = sgd ? Case.SGD : Case.MOMENTUM;
            boolean first = c == Case.SGD_FIRST || c == Case.MOMENTUM_FIRST;
            if (!pairs || stride != 4 || LoopShape.of(thetaOff, len) != LoopShape.THETA_INDEX
                    || !(next instanceof Step n && n.optimizer() == DelayedNesterov.this && n.pairs && n.c == after)
                    || !(third instanceof Step t && t.optimizer() == DelayedNesterov.this && (t.c == after || t.c == Case.MEAN && !first))) {
                StepKernel.super.applyCodedTriple(next, third, theta, thetaOff, table, codes, nextTable, nextCodes, thirdTable, thirdCodes,
                        codeOff, stride, off, len, scratch);
                return;
            }
            if (t.c == Case.MEAN) {
                if (sgd) sgdTwiceThenMeanCoded(theta, thetaOff, table, codes, nextTable, nextCodes, thirdTable, thirdCodes, codeOff, off, len);
                else momentumTwiceThenMeanCoded(theta, thetaOff, table, codes, nextTable, nextCodes, thirdTable, thirdCodes, codeOff, off, len);
            } else if (sgd) {
                accumulateCodedTriple(first, theta, thetaOff, table, codes, nextTable, nextCodes, thirdTable, thirdCodes, codeOff, off, len);
            } else {
                accumulateWithMomentumCodedTriple(first, theta, thetaOff, table, codes, nextTable, nextCodes, thirdTable, thirdCodes, codeOff, off, len);
            }
        }

        @Override
        public void apply(float[] theta, int thetaOff, float[] g, int gOff, int off, int len) {
            kernel(c, theta, thetaOff, g, gOff, off, len);
        }

        @Override
        public boolean fusesCoded() {
            return (c != Case.MEAN_FIRST && c != Case.MEAN) || meanFuses;
        }

        @Override
        public void applyCoded(float[] theta, int thetaOff, float[] table, byte[] codes, int codeOff, int stride, int off, int len, float[] scratch) {
            // Loops counting θ's index need 4·j to fit an int (see below): θ in one array past 2^29 values takes the others.
            applyCoded(LoopShape.of(thetaOff, len), theta, thetaOff, table, codes, codeOff, stride, off, len, scratch);
        }

        /** {@link #applyCoded} with the fused loops of {@code shape} (both give the same bits; a test reaches FROM_ZERO without 2 GiB of θ). */
        void applyCoded(LoopShape shape, float[] theta, int thetaOff, float[] table, byte[] codes, int codeOff, int stride, int off, int len, float[] scratch) {
            // The fused loops take int8's quarter runs (every fourth byte, a constant C2 can check bounds by once);
            // other strides (int8's last m mod 4 values) are few.
            if (stride != 4) {
                StepKernel.super.applyCoded(theta, thetaOff, table, codes, codeOff, stride, off, len, scratch);
                return;
            }
            boolean near = shape == LoopShape.THETA_INDEX;
            switch (c) {
                case SGD_FIRST, SGD -> {
                    if (near) accumulateCoded(c == Case.SGD_FIRST, theta, thetaOff, table, codes, codeOff, off, len);
                    else accumulateCodedFar(c == Case.SGD_FIRST, theta, thetaOff, table, codes, codeOff, off, len);
                }
                case MOMENTUM_FIRST, MOMENTUM -> {
                    if (near) accumulateWithMomentumCoded(c == Case.MOMENTUM_FIRST, theta, thetaOff, table, codes, codeOff, off, len);
                    else accumulateWithMomentumCodedFar(c == Case.MOMENTUM_FIRST, theta, thetaOff, table, codes, codeOff, off, len);
                }
                case ONLY_FIRST, ONLY -> {
                    if (near) onlyCoded(c == Case.ONLY_FIRST, theta, thetaOff, table, codes, codeOff, off, len);
                    else onlyCodedFar(c == Case.ONLY_FIRST, theta, thetaOff, table, codes, codeOff, off, len);
                }
                // The N-th arrival divides by N per value: scalar division in a fused loop was measured slower
                // (docs/bench/ingest.md) than decoding and the vectorized loop (fusesCoded() says so). For N a power
                // of two the fused loop multiplies by 1/N instead, with the same bits (invN).
                case MEAN_FIRST, MEAN -> {
                    if (!meanFuses) StepKernel.super.applyCoded(theta, thetaOff, table, codes, codeOff, stride, off, len, scratch);
                    else if (near) meanCoded(c == Case.MEAN_FIRST, theta, thetaOff, table, codes, codeOff, off, len);
                    else meanCodedFar(c == Case.MEAN_FIRST, theta, thetaOff, table, codes, codeOff, off, len);
                }
            }
        }
    }

    /** Which index the fused loops count: θ's own (fast, while 4·index fits an int), or i from 0 with three offsets. */
    enum LoopShape {
        THETA_INDEX, FROM_ZERO;

        /** The shape for θ's run {@code [thetaOff, thetaOff + len)}: θ's index while 4·index fits an int (ending at or below {@link DelayedNesterov#THETA_INDEXED_END}). */
        static LoopShape of(int thetaOff, int len) {
            return thetaOff + len <= THETA_INDEXED_END ? THETA_INDEX : FROM_ZERO;
        }
    }

    /*
     * The fused loops' shape decides their speed (docs/bench/ingest.md, 2026-12-05; KernelJarAB,
     * LoopShapeAB): the loop counts θ's own index j, the other arrays are addressed as j plus a
     * loop-invariant difference (acc/m at j + d, codes at cb + 4j), and max |θ| is not taken here
     * (the caller measures the run just written when its step guard needs it). Counting i from 0 with three
     * offsets (θ[to + i], acc[off + i], codes[co + 4i]) and the max in the loop, as before, left C2
     * more live values than registers (spilled to xmm registers every element): the same
     * arithmetic and bits for 17–28 % less CPU in the real class (ingest.md). With j ≥ 2^29 (θ in one array
     * past 2 GiB), 4·j and cb = co − 4·to no longer fit an int: the values are still exact (Java's
     * int arithmetic wraps), but C2 then keeps a bounds check per element and the loop was slower
     * than before — there the *Far loops count i from 0.
     */
    static final int THETA_INDEXED_END = 1 << 29;

    /**
     * SGD_FIRST / SGD with g looked up in the loop (see {@link StepKernel#applyCoded}), codes every
     * fourth byte: the same operations per element as {@link #kernel}'s loops, so the same bits.
     */
    private void accumulateCoded(boolean first, float[] theta, int to, float[] table, byte[] codes, int co, int off, int len) {
        float a = -lrOverN;
        float[] ac = acc;
        int d = off - to;
        int cb = co - 4 * to;
        int end = to + len;
        if (first) {
            for (int j = to; j < end; j++) {
                float gi = table[codes[cb + 4 * j] & 0xFF];
                ac[j + d] = gi;
                theta[j] = Math.fma(gi, a, theta[j]);
            }
        } else {
            for (int j = to; j < end; j++) {
                float gi = table[codes[cb + 4 * j] & 0xFF];
                ac[j + d] += gi;
                theta[j] = Math.fma(gi, a, theta[j]);
            }
        }
    }

    /**
     * MOMENTUM_FIRST / MOMENTUM (c &gt; 0) with g looked up in the loop, as {@link #accumulateCoded}. Not
     * {@link #accumulateCoded} with k = 0: that would read m for nothing, and fma(m, 0, g) turns a −0 g
     * into +0, which the c = 0 step must not.
     */
    private void accumulateWithMomentumCoded(boolean first, float[] theta, int to, float[] table, byte[] codes, int co, int off, int len) {
        float a = -lrOverN;
        float k = kMid;
        float[] ac = acc;
        float[] mm = m;
        int d = off - to;
        int cb = co - 4 * to;
        int end = to + len;
        if (first) {
            for (int j = to; j < end; j++) {
                float gi = table[codes[cb + 4 * j] & 0xFF];
                ac[j + d] = gi;
                theta[j] = Math.fma(Math.fma(mm[j + d], k, gi), a, theta[j]);
            }
        } else {
            for (int j = to; j < end; j++) {
                float gi = table[codes[cb + 4 * j] & 0xFF];
                ac[j + d] += gi;
                theta[j] = Math.fma(Math.fma(mm[j + d], k, gi), a, theta[j]);
            }
        }
    }

    /** ONLY_FIRST / ONLY (N = 1) with g looked up in the loop, as {@link #accumulateCoded}: the first update sets m to g. */
    private void onlyCoded(boolean first, float[] theta, int to, float[] table, byte[] codes, int co, int off, int len) {
        float a = -lrOverN;
        float k = kEnd;
        float mu = momentum;
        float[] mm = m;
        int d = off - to;
        int cb = co - 4 * to;
        int end = to + len;
        if (first) {
            for (int j = to; j < end; j++) {
                float gi = table[codes[cb + 4 * j] & 0xFF];
                mm[j + d] = gi;
                theta[j] = Math.fma(Math.fma(gi, k, gi), a, theta[j]);
            }
        } else {
            for (int j = to; j < end; j++) {
                float gi = table[codes[cb + 4 * j] & 0xFF];
                float mi = mm[j + d] * mu + gi;
                mm[j + d] = mi;
                theta[j] = Math.fma(Math.fma(mi, k, gi), a, theta[j]);
            }
        }
    }

    /**
     * MEAN_FIRST / MEAN (the N-th arrival, N a power of two) with g looked up in the loop, as {@link #accumulateCoded}:
     * {@link #kernel}'s operations with (acc + g)·(1/N) for (acc + g)/N, the same bits ({@link #invN}).
     */
    private void meanCoded(boolean first, float[] theta, int to, float[] table, byte[] codes, int co, int off, int len) {
        float a = -lrOverN;
        float k = kEnd;
        float mu = momentum;
        float inv = invN;
        float[] ac = acc;
        float[] mm = m;
        int d = off - to;
        int cb = co - 4 * to;
        int end = to + len;
        if (first) {
            for (int j = to; j < end; j++) {
                float gi = table[codes[cb + 4 * j] & 0xFF];
                float mi = (ac[j + d] + gi) * inv;
                mm[j + d] = mi;
                theta[j] = Math.fma(Math.fma(mi, k, gi), a, theta[j]);
            }
        } else {
            for (int j = to; j < end; j++) {
                float gi = table[codes[cb + 4 * j] & 0xFF];
                float mi = mm[j + d] * mu + (ac[j + d] + gi) * inv;
                mm[j + d] = mi;
                theta[j] = Math.fma(Math.fma(mi, k, gi), a, theta[j]);
            }
        }
    }

    /*
     * The pairs of the arrival before the N-th with the N-th (MEAN, N a power of two) do not store acc + g: the N-th
     * arrival only reads it, and the next arrival overwrites acc without reading it (state() and view() report zeros
     * there), so that store is dead — one of the loop's memory streams saved, and every value anything reads is the
     * two steps' own.
     */

    /** SGD_FIRST / SGD, then MEAN, in one pass, shaped as {@link #accumulateCoded} (first: N = 2, acc is g alone). */
    private void sgdThenMeanCoded(boolean first, float[] theta, int to, float[] t1, byte[] c1, float[] t2, byte[] c2, int co, int off, int len) {
        float a = -lrOverN;
        float k = kEnd;
        float mu = momentum;
        float inv = invN;
        float[] ac = acc;
        float[] mm = m;
        int d = off - to;
        int cb = co - 4 * to;
        int end = to + len;
        if (first) {
            for (int j = to; j < end; j++) {
                float g1 = t1[c1[cb + 4 * j] & 0xFF];
                float g2 = t2[c2[cb + 4 * j] & 0xFF];
                float mi = mm[j + d] * mu + (g1 + g2) * inv;
                mm[j + d] = mi;
                theta[j] = Math.fma(Math.fma(mi, k, g2), a, Math.fma(g1, a, theta[j]));
            }
        } else {
            for (int j = to; j < end; j++) {
                float g1 = t1[c1[cb + 4 * j] & 0xFF];
                float g2 = t2[c2[cb + 4 * j] & 0xFF];
                float mi = mm[j + d] * mu + (ac[j + d] + g1 + g2) * inv;
                mm[j + d] = mi;
                theta[j] = Math.fma(Math.fma(mi, k, g2), a, Math.fma(g1, a, theta[j]));
            }
        }
    }

    /** MOMENTUM_FIRST / MOMENTUM (c &gt; 0), then MEAN, in one pass: the first step's fma(m, K, g) takes m before the second's update. */
    private void momentumThenMeanCoded(boolean first, float[] theta, int to, float[] t1, byte[] c1, float[] t2, byte[] c2, int co, int off, int len) {
        float a = -lrOverN;
        float kMidV = kMid;
        float k = kEnd;
        float mu = momentum;
        float inv = invN;
        float[] ac = acc;
        float[] mm = m;
        int d = off - to;
        int cb = co - 4 * to;
        int end = to + len;
        if (first) {
            for (int j = to; j < end; j++) {
                float g1 = t1[c1[cb + 4 * j] & 0xFF];
                float g2 = t2[c2[cb + 4 * j] & 0xFF];
                float m0 = mm[j + d];
                float mi = m0 * mu + (g1 + g2) * inv;
                mm[j + d] = mi;
                theta[j] = Math.fma(Math.fma(mi, k, g2), a, Math.fma(Math.fma(m0, kMidV, g1), a, theta[j]));
            }
        } else {
            for (int j = to; j < end; j++) {
                float g1 = t1[c1[cb + 4 * j] & 0xFF];
                float g2 = t2[c2[cb + 4 * j] & 0xFF];
                float m0 = mm[j + d];
                float mi = m0 * mu + (ac[j + d] + g1 + g2) * inv;
                mm[j + d] = mi;
                theta[j] = Math.fma(Math.fma(mi, k, g2), a, Math.fma(Math.fma(m0, kMidV, g1), a, theta[j]));
            }
        }
    }

    /** Two SGD_FIRST / SGD steps (the second never first) in one pass, shaped as {@link #accumulateCoded}. */
    private void accumulateCodedPair(boolean first, float[] theta, int to, float[] t1, byte[] c1, float[] t2, byte[] c2, int co, int off, int len) {
        float a = -lrOverN;
        float[] ac = acc;
        int d = off - to;
        int cb = co - 4 * to;
        int end = to + len;
        if (first) {
            for (int j = to; j < end; j++) {
                float g1 = t1[c1[cb + 4 * j] & 0xFF];
                float g2 = t2[c2[cb + 4 * j] & 0xFF];
                ac[j + d] = g1 + g2;
                theta[j] = Math.fma(g2, a, Math.fma(g1, a, theta[j]));
            }
        } else {
            for (int j = to; j < end; j++) {
                float g1 = t1[c1[cb + 4 * j] & 0xFF];
                float g2 = t2[c2[cb + 4 * j] & 0xFF];
                ac[j + d] = ac[j + d] + g1 + g2;
                theta[j] = Math.fma(g2, a, Math.fma(g1, a, theta[j]));
            }
        }
    }

    /** Two MOMENTUM_FIRST / MOMENTUM steps (c &gt; 0; the second never first) in one pass, shaped as {@link #accumulateWithMomentumCoded}. */
    private void accumulateWithMomentumCodedPair(boolean first, float[] theta, int to, float[] t1, byte[] c1, float[] t2, byte[] c2, int co, int off, int len) {
        float a = -lrOverN;
        float k = kMid;
        float[] ac = acc;
        float[] mm = m;
        int d = off - to;
        int cb = co - 4 * to;
        int end = to + len;
        if (first) {
            for (int j = to; j < end; j++) {
                float g1 = t1[c1[cb + 4 * j] & 0xFF];
                float g2 = t2[c2[cb + 4 * j] & 0xFF];
                float mi = mm[j + d];
                ac[j + d] = g1 + g2;
                theta[j] = Math.fma(Math.fma(mi, k, g2), a, Math.fma(Math.fma(mi, k, g1), a, theta[j]));
            }
        } else {
            for (int j = to; j < end; j++) {
                float g1 = t1[c1[cb + 4 * j] & 0xFF];
                float g2 = t2[c2[cb + 4 * j] & 0xFF];
                float mi = mm[j + d];
                ac[j + d] = ac[j + d] + g1 + g2;
                theta[j] = Math.fma(Math.fma(mi, k, g2), a, Math.fma(Math.fma(mi, k, g1), a, theta[j]));
            }
        }
    }

    /*
     * The triples (three arrivals in one pass, StepKernel#applyCodedTriple) have the pairs' shape with a third code stream;
     * those ending with the N-th arrival do not store the dead acc, as the pairs ending with it.
     */

    /** Three SGD_FIRST / SGD steps (the later two never first) in one pass, shaped as {@link #accumulateCoded}. */
    private void accumulateCodedTriple(boolean first, float[] theta, int to, float[] t1, byte[] c1, float[] t2, byte[] c2, float[] t3, byte[] c3,
                                       int co, int off, int len) {
        float a = -lrOverN;
        float[] ac = acc;
        int d = off - to;
        int cb = co - 4 * to;
        int end = to + len;
        if (first) {
            for (int j = to; j < end; j++) {
                float g1 = t1[c1[cb + 4 * j] & 0xFF];
                float g2 = t2[c2[cb + 4 * j] & 0xFF];
                float g3 = t3[c3[cb + 4 * j] & 0xFF];
                ac[j + d] = g1 + g2 + g3;
                theta[j] = Math.fma(g3, a, Math.fma(g2, a, Math.fma(g1, a, theta[j])));
            }
        } else {
            for (int j = to; j < end; j++) {
                float g1 = t1[c1[cb + 4 * j] & 0xFF];
                float g2 = t2[c2[cb + 4 * j] & 0xFF];
                float g3 = t3[c3[cb + 4 * j] & 0xFF];
                ac[j + d] = ac[j + d] + g1 + g2 + g3;
                theta[j] = Math.fma(g3, a, Math.fma(g2, a, Math.fma(g1, a, theta[j])));
            }
        }
    }

    /** Three MOMENTUM_FIRST / MOMENTUM steps (c &gt; 0; the later two never first) in one pass, shaped as {@link #accumulateWithMomentumCoded}. */
    private void accumulateWithMomentumCodedTriple(boolean first, float[] theta, int to, float[] t1, byte[] c1, float[] t2, byte[] c2, float[] t3, byte[] c3,
                                                   int co, int off, int len) {
        float a = -lrOverN;
        float k = kMid;
        float[] ac = acc;
        float[] mm = m;
        int d = off - to;
        int cb = co - 4 * to;
        int end = to + len;
        if (first) {
            for (int j = to; j < end; j++) {
                float g1 = t1[c1[cb + 4 * j] & 0xFF];
                float g2 = t2[c2[cb + 4 * j] & 0xFF];
                float g3 = t3[c3[cb + 4 * j] & 0xFF];
                float mi = mm[j + d];
                ac[j + d] = g1 + g2 + g3;
                theta[j] = Math.fma(Math.fma(mi, k, g3), a, Math.fma(Math.fma(mi, k, g2), a, Math.fma(Math.fma(mi, k, g1), a, theta[j])));
            }
        } else {
            for (int j = to; j < end; j++) {
                float g1 = t1[c1[cb + 4 * j] & 0xFF];
                float g2 = t2[c2[cb + 4 * j] & 0xFF];
                float g3 = t3[c3[cb + 4 * j] & 0xFF];
                float mi = mm[j + d];
                ac[j + d] = ac[j + d] + g1 + g2 + g3;
                theta[j] = Math.fma(Math.fma(mi, k, g3), a, Math.fma(Math.fma(mi, k, g2), a, Math.fma(Math.fma(mi, k, g1), a, theta[j])));
            }
        }
    }

    /** SGD twice (never first: that would be N = 3), then MEAN, in one pass, as {@link #sgdThenMeanCoded}. */
    private void sgdTwiceThenMeanCoded(float[] theta, int to, float[] t1, byte[] c1, float[] t2, byte[] c2, float[] t3, byte[] c3, int co, int off, int len) {
        float a = -lrOverN;
        float k = kEnd;
        float mu = momentum;
        float inv = invN;
        float[] ac = acc;
        float[] mm = m;
        int d = off - to;
        int cb = co - 4 * to;
        int end = to + len;
        for (int j = to; j < end; j++) {
            float g1 = t1[c1[cb + 4 * j] & 0xFF];
            float g2 = t2[c2[cb + 4 * j] & 0xFF];
            float g3 = t3[c3[cb + 4 * j] & 0xFF];
            float mi = mm[j + d] * mu + (ac[j + d] + g1 + g2 + g3) * inv;
            mm[j + d] = mi;
            theta[j] = Math.fma(Math.fma(mi, k, g3), a, Math.fma(g2, a, Math.fma(g1, a, theta[j])));
        }
    }

    /** MOMENTUM twice (c &gt; 0, never first), then MEAN, in one pass: the first two steps' fma(m, K, g) take m before the update. */
    private void momentumTwiceThenMeanCoded(float[] theta, int to, float[] t1, byte[] c1, float[] t2, byte[] c2, float[] t3, byte[] c3, int co, int off, int len) {
        float a = -lrOverN;
        float kMidV = kMid;
        float k = kEnd;
        float mu = momentum;
        float inv = invN;
        float[] ac = acc;
        float[] mm = m;
        int d = off - to;
        int cb = co - 4 * to;
        int end = to + len;
        for (int j = to; j < end; j++) {
            float g1 = t1[c1[cb + 4 * j] & 0xFF];
            float g2 = t2[c2[cb + 4 * j] & 0xFF];
            float g3 = t3[c3[cb + 4 * j] & 0xFF];
            float m0 = mm[j + d];
            float mi = m0 * mu + (ac[j + d] + g1 + g2 + g3) * inv;
            mm[j + d] = mi;
            theta[j] = Math.fma(Math.fma(mi, k, g3), a, Math.fma(Math.fma(m0, kMidV, g2), a, Math.fma(Math.fma(m0, kMidV, g1), a, theta[j])));
        }
    }

    /** {@link #accumulateCoded} for θ runs ending past 2^29: i counts from 0. */
    private void accumulateCodedFar(boolean first, float[] theta, int to, float[] table, byte[] codes, int co, int off, int len) {
        float a = -lrOverN;
        float[] ac = acc;
        int end = to + len;
        if (first) {
            for (int i = 0; i < len; i++) {
                float gi = table[codes[co + 4 * i] & 0xFF];
                ac[off + i] = gi;
                theta[to + i] = Math.fma(gi, a, theta[to + i]);
            }
        } else {
            for (int i = 0; i < len; i++) {
                float gi = table[codes[co + 4 * i] & 0xFF];
                ac[off + i] += gi;
                theta[to + i] = Math.fma(gi, a, theta[to + i]);
            }
        }
    }

    /** {@link #accumulateWithMomentumCoded} for θ runs ending past 2^29: i counts from 0. */
    private void accumulateWithMomentumCodedFar(boolean first, float[] theta, int to, float[] table, byte[] codes, int co, int off, int len) {
        float a = -lrOverN;
        float k = kMid;
        float[] ac = acc;
        float[] mm = m;
        int end = to + len;
        if (first) {
            for (int i = 0; i < len; i++) {
                float gi = table[codes[co + 4 * i] & 0xFF];
                ac[off + i] = gi;
                theta[to + i] = Math.fma(Math.fma(mm[off + i], k, gi), a, theta[to + i]);
            }
        } else {
            for (int i = 0; i < len; i++) {
                float gi = table[codes[co + 4 * i] & 0xFF];
                ac[off + i] += gi;
                theta[to + i] = Math.fma(Math.fma(mm[off + i], k, gi), a, theta[to + i]);
            }
        }
    }

    /** {@link #meanCoded} for θ runs ending past 2^29: i counts from 0. */
    private void meanCodedFar(boolean first, float[] theta, int to, float[] table, byte[] codes, int co, int off, int len) {
        float a = -lrOverN;
        float k = kEnd;
        float mu = momentum;
        float inv = invN;
        float[] ac = acc;
        float[] mm = m;
        if (first) {
            for (int i = 0; i < len; i++) {
                float gi = table[codes[co + 4 * i] & 0xFF];
                float mi = (ac[off + i] + gi) * inv;
                mm[off + i] = mi;
                theta[to + i] = Math.fma(Math.fma(mi, k, gi), a, theta[to + i]);
            }
        } else {
            for (int i = 0; i < len; i++) {
                float gi = table[codes[co + 4 * i] & 0xFF];
                float mi = mm[off + i] * mu + (ac[off + i] + gi) * inv;
                mm[off + i] = mi;
                theta[to + i] = Math.fma(Math.fma(mi, k, gi), a, theta[to + i]);
            }
        }
    }

    /** {@link #onlyCoded} for θ runs ending past 2^29: i counts from 0. */
    private void onlyCodedFar(boolean first, float[] theta, int to, float[] table, byte[] codes, int co, int off, int len) {
        float a = -lrOverN;
        float k = kEnd;
        float mu = momentum;
        float[] mm = m;
        int end = to + len;
        if (first) {
            for (int i = 0; i < len; i++) {
                float gi = table[codes[co + 4 * i] & 0xFF];
                mm[off + i] = gi;
                theta[to + i] = Math.fma(Math.fma(gi, k, gi), a, theta[to + i]);
            }
        } else {
            for (int i = 0; i < len; i++) {
                float gi = table[codes[co + 4 * i] & 0xFF];
                float mi = mm[off + i] * mu + gi;
                mm[off + i] = mi;
                theta[to + i] = Math.fma(Math.fma(mi, k, gi), a, theta[to + i]);
            }
        }
    }


    @Override
    public void commit() {
        arrivals++;
    }

    // One branch-free loop per case, so each vectorizes.
    private void kernel(Case c, float[] theta, int to, float[] g, int go, int off, int len) {
        float a = -lrOverN;
        float[] ac = acc;
        float[] mm = m;
        switch (c) {
            case SGD_FIRST -> {
                for (int i = 0; i < len; i++) {
                    float gi = g[go + i];
                    ac[off + i] = gi;
                    theta[to + i] = Math.fma(gi, a, theta[to + i]);
                }
            }
            case SGD -> {
                for (int i = 0; i < len; i++) {
                    float gi = g[go + i];
                    ac[off + i] += gi;
                    theta[to + i] = Math.fma(gi, a, theta[to + i]);
                }
            }
            case MOMENTUM_FIRST -> {
                float k = kMid;
                for (int i = 0; i < len; i++) {
                    float gi = g[go + i];
                    ac[off + i] = gi;
                    theta[to + i] = Math.fma(Math.fma(mm[off + i], k, gi), a, theta[to + i]);
                }
            }
            case MOMENTUM -> {
                float k = kMid;
                for (int i = 0; i < len; i++) {
                    float gi = g[go + i];
                    ac[off + i] += gi;
                    theta[to + i] = Math.fma(Math.fma(mm[off + i], k, gi), a, theta[to + i]);
                }
            }
            case ONLY_FIRST -> {
                float k = kEnd;
                for (int i = 0; i < len; i++) {
                    float gi = g[go + i];
                    mm[off + i] = gi;
                    theta[to + i] = Math.fma(Math.fma(gi, k, gi), a, theta[to + i]);
                }
            }
            case ONLY -> {
                float k = kEnd;
                float mu = momentum;
                for (int i = 0; i < len; i++) {
                    float gi = g[go + i];
                    float mi = mm[off + i] * mu + gi;
                    mm[off + i] = mi;
                    theta[to + i] = Math.fma(Math.fma(mi, k, gi), a, theta[to + i]);
                }
            }
            case MEAN_FIRST -> {
                float k = kEnd;
                float nf = bufferSize;
                for (int i = 0; i < len; i++) {
                    float gi = g[go + i];
                    float mi = (ac[off + i] + gi) / nf;
                    mm[off + i] = mi;
                    theta[to + i] = Math.fma(Math.fma(mi, k, gi), a, theta[to + i]);
                }
            }
            case MEAN -> {
                float k = kEnd;
                float mu = momentum;
                float nf = bufferSize;
                for (int i = 0; i < len; i++) {
                    float gi = g[go + i];
                    float mi = mm[off + i] * mu + (ac[off + i] + gi) / nf;
                    mm[off + i] = mi;
                    theta[to + i] = Math.fma(Math.fma(mi, k, gi), a, theta[to + i]);
                }
            }
        }
    }

    @Override
    public OptimizerState state() {
        boolean accLive = arrivals % bufferSize != 0;
        return OptimizerState.of(KIND,
                Map.of("arrivals", arrivals, "buffer_size", (long) bufferSize),
                Map.of(MOMENTUM, m.clone(), ACCUMULATOR, accLive ? acc.clone() : new float[size]));
    }

    @Override
    public OptimizerState view() {
        // Between buffers the accumulator holds the last buffer's sum, which nothing reads again
        // (the next arrival overwrites it); state() reports zeros there, and so must the file.
        if (arrivals % bufferSize == 0) java.util.Arrays.fill(acc, 0f);
        return OptimizerState.of(KIND, Map.of("arrivals", arrivals, "buffer_size", (long) bufferSize), Map.of(MOMENTUM, m, ACCUMULATOR, acc));
    }

    /**
     * Restores a state saved by a DN optimizer of the same size and N (a different N would change
     * which arrivals update the momentum). η, μ and c may differ, e.g. for a changed schedule.
     */
    @Override
    public void restore(OptimizerState state) {
        long a = checked(state);
        System.arraycopy(state.buffer(MOMENTUM), 0, m, 0, size);
        System.arraycopy(state.buffer(ACCUMULATOR), 0, acc, 0, size);
        arrivals = a;
    }

    /** Checks {@code state} fits this optimizer; its arrivals. */
    private long checked(OptimizerState state) {
        StateCheck.kind(state, KIND);
        StateCheck.buffers(state, size, MOMENTUM, ACCUMULATOR);
        long n = StateCheck.counter(state, "buffer_size", 1, Integer.MAX_VALUE);
        if (n != bufferSize) {
            throw new IllegalArgumentException("optimizer state was saved with delayed Nesterov buffer size N=" + n
                    + " but this optimizer has N=" + bufferSize);
        }
        return StateCheck.counter(state, "arrivals", 0, Long.MAX_VALUE);
    }

    @Override
    public String toString() {
        return "DelayedNesterov(lr=" + lr + ", momentum=" + momentum + ", N=" + bufferSize + ", c=" + c + ", size=" + size + ")";
    }
}
