package org.diloco4j.core.optim;

import java.util.Arrays;
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
 * <p>{@link #state()} and {@link #restore} speak the one-vector format (a buffer of {@link #size()}
 * values per name), so a checkpoint cannot tell how the buffers were held. {@link #view()} shares
 * buffers only when there is one part; several parts are refused there, since joining them would
 * copy what a view exists not to copy.
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
     * Continuing from {@code state} ({@link OuterOptimizerConfig#adopt}): one part adopts the state's
     * own arrays; several each take a copy of their slice (one chunk of each buffer at a time).
     */
    public static ChunkedOptimizer adopt(OuterOptimizerConfig config, int size, int shift, OptimizerState state) {
        int n = partCount(size, shift);
        if (n == 1) return new ChunkedOptimizer(size, shift, new OuterOptimizer[] {config.adopt(size, state)});
        ChunkedOptimizer o = create(config, size, shift);
        o.restore(state);
        return o;
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
            for (int done = 0; done < len; ) {
                int at = off + done;
                int n = run(at, len - done);
                k[at >>> shift].apply(theta, thetaOff + done, g, gOff + done, at & mask(), n);
                done += n;
            }
        }

        @Override
        public boolean fusesCoded() {
            return k[0].fusesCoded(); // every part is in the same case: their counters are equal
        }

        @Override
        public int applyCoded(float[] theta, int thetaOff, float[] table, byte[] codes, int codeOff, int stride, int off, int len, float[] scratch) {
            int bits = 0;
            for (int done = 0; done < len; ) {
                int at = off + done;
                int n = run(at, len - done);
                bits = Math.max(bits, k[at >>> shift].applyCoded(theta, thetaOff + done, table, codes, codeOff + done * stride, stride, at & mask(), n, scratch));
                done += n;
            }
            return bits;
        }

        /** How many of {@code left} elements from {@code at} lie in {@code at}'s part. */
        private int run(int at, int left) {
            return Math.min(left, (1 << shift) - (at & mask()));
        }

        private int mask() {
            return (1 << shift) - 1;
        }
    }

    @Override
    public OptimizerState state() {
        if (parts.length == 1) return parts[0].state();
        OptimizerState first = parts[0].state();
        Map<String, float[]> joined = new HashMap<>();
        for (String name : first.buffers().keySet()) joined.put(name, new float[size]);
        for (int j = 0; j < parts.length; j++) {
            OptimizerState s = j == 0 ? first : parts[j].state();
            for (Map.Entry<String, float[]> b : s.buffers().entrySet()) System.arraycopy(b.getValue(), 0, joined.get(b.getKey()), j << shift, b.getValue().length);
        }
        return new OptimizerState(first.kind(), first.counters(), joined);
    }

    @Override
    public OptimizerState view() {
        if (parts.length == 1) return parts[0].view();
        throw new IllegalStateException("an outer optimizer's buffers held in " + parts.length
                + " chunks cannot be viewed as one array each; take state() (a copy) instead");
    }

    @Override
    public void restore(OptimizerState state) {
        if (parts.length == 1) {
            parts[0].restore(state);
            return;
        }
        // The parts check kind, names and counters, but only their own slice's length: the total is checked here.
        for (Map.Entry<String, float[]> b : state.buffers().entrySet()) {
            if (b.getValue().length != size) {
                throw new IllegalArgumentException("optimizer state buffer '" + b.getKey() + "' has " + b.getValue().length
                        + " floats but this optimizer has size " + size);
            }
        }
        OptimizerState[] slices = new OptimizerState[parts.length];
        for (int j = 0; j < parts.length; j++) {
            Map<String, float[]> s = new HashMap<>();
            int from = j << shift;
            int len = partLength(size, shift, j);
            state.buffers().forEach((name, b) -> s.put(name, Arrays.copyOfRange(b, from, from + len)));
            slices[j] = new OptimizerState(state.kind(), state.counters(), s);
        }
        // The slices share kind, names and counters, so part 0 refuses a bad state before any part changed, or none does.
        for (int j = 0; j < parts.length; j++) parts[j].restore(slices[j]);
    }

    @Override
    public String toString() {
        return parts.length == 1 ? parts[0].toString() : parts.length + " chunks of " + parts[0] + ", size=" + size;
    }
}
