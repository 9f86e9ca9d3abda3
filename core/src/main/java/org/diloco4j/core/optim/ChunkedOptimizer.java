package org.diloco4j.core.optim;

import java.util.HashMap;
import java.util.Map;
import org.diloco4j.core.params.Fp32Vector;

/**
 * One outer optimizer whose buffers are held in chunks: one optimizer of the configured kind per
 * chunk of 2^shift values of its vector, each with its own {@code float[]} buffers, all begun and
 * committed together so their counters stay equal. Every outer optimizer is elementwise, so element
 * i stepped by the optimizer of its chunk at offset i mod 2^shift sees exactly the operations one
 * whole-vector optimizer would give it: the same bits, with the kernels' loops unchanged
 * (docs/design/PARAMETERS.md, stage 2). With {@link Fp32Vector#ONE_ARRAY_SHIFT} there is one part,
 * which is then the plain optimizer of the whole vector.
 *
 * <p>{@link #state()} and {@link #view()} give each buffer as one {@link Fp32Vector} of
 * {@link #size()} values whose chunks are the parts' arrays (copies, or the arrays themselves), so a
 * checkpoint writes it as one tensor and cannot tell how it was held; {@link #restore} takes a
 * buffer of any chunking.
 */
public final class ChunkedOptimizer implements OuterOptimizer {
    private final int size;
    private final int shift;
    private final OuterOptimizer[] parts;

    private ChunkedOptimizer(int size, int shift, OuterOptimizer[] parts) {
        this.size = size;
        this.shift = shift;
        this.parts = parts;
    }

    /** Zero state, in parts of 2^{@code shift} values. */
    public static ChunkedOptimizer create(OuterOptimizerConfig config, int size, int shift) {
        OuterOptimizer[] p = new OuterOptimizer[partCount(size, shift)];
        for (int j = 0; j < p.length; j++) p[j] = config.create(partLength(size, shift, j));
        return new ChunkedOptimizer(size, shift, p);
    }

    /**
     * Continuing from {@code state} ({@link OuterOptimizerConfig#adopt}), holding the state's arrays
     * as they are: buffers of one array each make one part (whatever {@code shift} says: e.g. a
     * checkpoint read back as arrays), buffers in chunks of {@code shift} make a part per chunk. Only
     * buffers chunked otherwise are copied in, one chunk at a time.
     */
    public static ChunkedOptimizer adopt(OuterOptimizerConfig config, int size, int shift, OptimizerState state) {
        java.util.Collection<Fp32Vector> b = state.buffers().values();
        if (!b.isEmpty() && b.stream().allMatch(v -> v.chunkCount() == 1)) {
            return new ChunkedOptimizer(size, Fp32Vector.ONE_ARRAY_SHIFT, new OuterOptimizer[] {config.adopt(size, state)});
        }
        int n = partCount(size, shift);
        if (!b.isEmpty() && b.stream().allMatch(v -> v.shift() == shift && v.size() == size)) {
            OuterOptimizer[] p = new OuterOptimizer[n];
            for (int j = 0; j < n; j++) p[j] = config.adopt(partLength(size, shift, j), slice(state, j));
            return new ChunkedOptimizer(size, shift, p);
        }
        ChunkedOptimizer o = create(config, size, shift);
        o.restore(state);
        return o;
    }

    /** Part j's share of {@code state}, whose buffers are chunks of this shift: their chunk j itself. */
    private static OptimizerState slice(OptimizerState state, int j) {
        Map<String, float[]> s = new HashMap<>();
        state.buffers().forEach((name, b) -> s.put(name, b.chunk(j)));
        return OptimizerState.of(state.kind(), state.counters(), s);
    }

    private static int partCount(int size, int shift) {
        return Math.max(1, Fp32Vector.chunkCount(size, shift));
    }

    private static int partLength(int size, int shift, int j) {
        return size == 0 ? 0 : Fp32Vector.chunkLength(size, shift, j);
    }

    @Override
    public int size() {
        return size;
    }

    /** The parts' count (1 when the buffers are one array each). */
    public int parts() {
        return parts.length;
    }

    @Override
    public StepKernel begin() {
        if (parts.length == 1) return parts[0].begin();
        StepKernel[] k = new StepKernel[parts.length];
        for (int j = 0; j < k.length; j++) k[j] = parts[j].begin();
        return new Kernel(k);
    }

    @Override
    public void commit() {
        for (OuterOptimizer p : parts) p.commit();
    }

    /** The parts' kernels: a run of elements is split where it crosses from one part into the next. */
    private final class Kernel implements StepKernel {
        private final StepKernel[] k;

        Kernel(StepKernel[] k) {
            this.k = k;
        }

        @Override
        public void apply(float[] theta, int thetaOff, float[] g, int gOff, int off, int len) {
            forParts(off, len, (j, done, at, n) -> k[j].apply(theta, thetaOff + done, g, gOff + done, at, n));
        }

        @Override
        public boolean fusesCoded() {
            return k[0].fusesCoded(); // every part is in the same case: their counters are equal
        }

        @Override
        public void applyCoded(float[] theta, int thetaOff, float[] table, byte[] codes, int codeOff, int stride, int off, int len, float[] scratch) {
            forParts(off, len, (j, done, at, n) -> k[j].applyCoded(theta, thetaOff + done, table, codes, codeOff + done * stride, stride, at, n, scratch));
        }

        @Override
        public boolean pairsWithNext() {
            return k[0].pairsWithNext(); // as fusesCoded: every part is in the same case
        }

        /** Each part's pair of steps on the part's elements: {@code next} must be this optimizer's next kernel (the parts' own). */
        @Override
        public void applyCodedPair(StepKernel next, float[] theta, int thetaOff, float[] table, byte[] codes, float[] nextTable, byte[] nextCodes,
                                   int codeOff, int stride, int off, int len, float[] scratch) {
            if (!(next instanceof Kernel n) || n.k.length != k.length) {
                StepKernel.super.applyCodedPair(next, theta, thetaOff, table, codes, nextTable, nextCodes, codeOff, stride, off, len, scratch);
                return;
            }
            forParts(off, len, (j, done, at, m) -> k[j].applyCodedPair(n.k[j], theta, thetaOff + done, table, codes, nextTable, nextCodes,
                    codeOff + done * stride, stride, at, m, scratch));
        }

        /** Each part's three steps on the part's elements: {@code next} and {@code third} must be this optimizer's next kernels. */
        @Override
        public void applyCodedTriple(StepKernel next, StepKernel third, float[] theta, int thetaOff, float[] table, byte[] codes,
                                     float[] nextTable, byte[] nextCodes, float[] thirdTable, byte[] thirdCodes,
                                     int codeOff, int stride, int off, int len, float[] scratch) {
            if (!(next instanceof Kernel n) || n.k.length != k.length || !(third instanceof Kernel t) || t.k.length != k.length) {
                StepKernel.super.applyCodedTriple(next, third, theta, thetaOff, table, codes, nextTable, nextCodes, thirdTable, thirdCodes,
                        codeOff, stride, off, len, scratch);
                return;
            }
            forParts(off, len, (j, done, at, m) -> k[j].applyCodedTriple(n.k[j], t.k[j], theta, thetaOff + done, table, codes, nextTable, nextCodes,
                    thirdTable, thirdCodes, codeOff + done * stride, stride, at, m, scratch));
        }

        /** One part's share of a run: part {@code j}, {@code done} elements into the run, from index {@code at} of the part, {@code n} elements. */
        @FunctionalInterface
        private interface PartRun {
            void step(int j, int done, int at, int n);
        }

        /** Splits elements {@code [off, off + len)} where they cross from one part into the next, and steps each piece in order. */
        private void forParts(int off, int len, PartRun step) {
            for (int done = 0; done < len; ) {
                int at = off + done;
                int n = Math.min(len - done, (1 << shift) - (at & mask()));
                step.step(at >>> shift, done, at & mask(), n);
                done += n;
            }
        }

        private int mask() {
            return (1 << shift) - 1;
        }
    }

    @Override
    public OptimizerState state() {
        if (parts.length == 1) return parts[0].state();
        return joined(j -> parts[j].state());
    }

    /** The parts' views joined as chunks of this shift: their own arrays, not copies. */
    @Override
    public OptimizerState view() {
        if (parts.length == 1) return parts[0].view();
        return joined(j -> parts[j].view());
    }

    /** The parts' states as one state whose buffers are vectors of this shift, chunk j being part j's array. */
    private OptimizerState joined(java.util.function.IntFunction<OptimizerState> part) {
        OptimizerState[] s = new OptimizerState[parts.length];
        for (int j = 0; j < s.length; j++) s[j] = part.apply(j);
        Map<String, Fp32Vector> b = new HashMap<>();
        for (String name : s[0].buffers().keySet()) {
            float[][] chunks = new float[s.length][];
            for (int j = 0; j < s.length; j++) chunks[j] = s[j].buffer(name);
            b.put(name, Fp32Vector.of(size, shift, chunks));
        }
        return new OptimizerState(s[0].kind(), s[0].counters(), b);
    }

    @Override
    public void restore(OptimizerState state) {
        if (parts.length == 1 && state.buffers().values().stream().allMatch(v -> v.chunkCount() == 1)) {
            parts[0].restore(state);
            return;
        }
        // The parts check kind, names and counters, but only their own slice's length: the total is checked here.
        state.buffers().forEach((name, b) -> {
            if (b.size() != size) {
                throw new IllegalArgumentException("optimizer state buffer '" + name + "' has " + b.size() + " floats but this optimizer has size " + size);
            }
        });
        // Part by part, so at most one part's slice is ever held besides the state: a buffer already in
        // chunks of this shift lends its chunk j (the part's restore copies it in), one chunked otherwise
        // is copied out for the part. The slices share kind, names and counters and their lengths were
        // checked above, so part 0 refuses a bad state before any part changed, or none does.
        for (int j = 0; j < parts.length; j++) {
            Map<String, float[]> s = new HashMap<>();
            int len = partLength(size, shift, j);
            long from = (long) j << shift;
            for (Map.Entry<String, Fp32Vector> e : state.buffers().entrySet()) {
                Fp32Vector b = e.getValue();
                float[] a;
                if (b.shift() == shift && b.chunkCount() == parts.length) {
                    a = b.chunk(j);
                } else {
                    a = new float[len];
                    b.get(from, a, 0, len);
                }
                s.put(e.getKey(), a);
            }
            parts[j].restore(OptimizerState.of(state.kind(), state.counters(), s));
        }
    }

    @Override
    public String toString() {
        return parts.length == 1 ? parts[0].toString() : parts.length + " chunks of " + parts[0] + ", size=" + size;
    }
}
