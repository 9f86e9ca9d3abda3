package org.diloco4j.core.optim;

import java.util.Map;

/**
 * Outer SGD with momentum, exactly as PyTorch's {@code torch.optim.SGD(params, lr, momentum,
 * dampening=0, nesterov=...)} computes it in fp32 (the DiLoCo outer optimizer, η = 0.7, μ = 0.9):
 * <pre>
 *   first step:  b ← g                      (torch clones g into the buffer)
 *   later:       b ← μ b + g                (torch: buf.mul_(μ).add_(g), two roundings)
 *   nesterov:    θ ← θ − η (g + μ b)        (torch: d = g.add(buf, alpha=μ); θ.add_(d, alpha=-η), fused multiply-adds)
 *   heavy ball:  θ ← θ − η b
 * </pre>
 * The first step equals b₀ = 0 followed by the general rule. η and μ are rounded to fp32 once, as
 * torch's kernels do with Python scalars. The rounding-by-rounding match is what lets the golden
 * test compare against PyTorch bit for bit.
 */
public final class OuterNesterov implements OuterOptimizer {
    public static final String KIND_NESTEROV = "nesterov";
    public static final String KIND_MOMENTUM = "momentum";
    static final String BUFFER = "momentum_buffer";

    private final int size;
    private final float lr;
    private final float momentum;
    private final boolean nesterov;
    /** Momentum buffer b, length {@code size}; meaningless while {@code steps == 0}. */
    private final float[] buf;
    private long steps;

    /** Nesterov momentum (the DiLoCo default). */
    public OuterNesterov(int size, double lr, double momentum) {
        this(size, lr, momentum, true);
    }

    /**
     * @param nesterov true for Nesterov momentum, false for classical (heavy-ball) momentum
     */
    public OuterNesterov(int size, double lr, double momentum, boolean nesterov) {
        this(size, lr, momentum, nesterov, null);
    }

    /**
     * One continuing from {@code state} (as {@link #restore} would) whose buffer is the state's own
     * array, not a copy: for a state read from a checkpoint that nothing else uses. The caller must not
     * use the state's array again.
     */
    public static OuterNesterov adopting(int size, double lr, double momentum, boolean nesterov, OptimizerState state) {
        return new OuterNesterov(size, lr, momentum, nesterov, state);
    }

    /** @param adopted the state whose buffer becomes this optimizer's (checked as {@link #restore} checks), or null: zeros */
    private OuterNesterov(int size, double lr, double momentum, boolean nesterov, OptimizerState adopted) {
        this.size = Hyper.size(size);
        this.lr = Hyper.lr(lr);
        this.momentum = Hyper.momentum(momentum);
        this.nesterov = nesterov;
        if (adopted == null) {
            this.buf = new float[size];
        } else {
            this.steps = checked(adopted);
            this.buf = adopted.buffer(BUFFER);
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

    public boolean nesterov() {
        return nesterov;
    }

    public long steps() {
        return steps;
    }

    @Override
    public StepKernel begin() {
        boolean first = steps == 0;
        return (theta, to, g, go, off, len) -> kernel(first, theta, to, g, go, off, len);
    }

    @Override
    public void commit() {
        steps++;
    }

    private void kernel(boolean first, float[] theta, int to, float[] g, int go, int off, int len) {
        float[] b = buf;
        float mu = momentum;
        float a = -lr;
        // One pass per case so each loop is branch-free and vectorizes; per element it reads
        // θ, b, g and writes θ, b (20 bytes) — the step is memory-bandwidth bound.
        if (first) {
            System.arraycopy(g, go, b, off, len);
            if (nesterov) {
                for (int i = 0; i < len; i++) theta[to + i] = Math.fma(Math.fma(g[go + i], mu, g[go + i]), a, theta[to + i]);
            } else {
                for (int i = 0; i < len; i++) theta[to + i] = Math.fma(g[go + i], a, theta[to + i]);
            }
        } else if (nesterov) {
            for (int i = 0; i < len; i++) {
                float gi = g[go + i];
                float bi = b[off + i] * mu + gi;
                b[off + i] = bi;
                theta[to + i] = Math.fma(Math.fma(bi, mu, gi), a, theta[to + i]);
            }
        } else {
            for (int i = 0; i < len; i++) {
                float bi = b[off + i] * mu + g[go + i];
                b[off + i] = bi;
                theta[to + i] = Math.fma(bi, a, theta[to + i]);
            }
        }
    }

    private String kind() {
        return nesterov ? KIND_NESTEROV : KIND_MOMENTUM;
    }

    @Override
    public OptimizerState state() {
        return OptimizerState.of(kind(), Map.of("steps", steps), Map.of(BUFFER, steps == 0 ? new float[size] : buf.clone()));
    }

    @Override
    public OptimizerState view() {
        // Before the first step nothing reads the buffer (the first step overwrites it); state() reports zeros there, so must the file.
        if (steps == 0) java.util.Arrays.fill(buf, 0f);
        return OptimizerState.of(kind(), Map.of("steps", steps), Map.of(BUFFER, buf));
    }

    @Override
    public void restore(OptimizerState state) {
        long s = checked(state);
        System.arraycopy(state.buffer(BUFFER), 0, buf, 0, size);
        steps = s;
    }

    /** Checks {@code state} fits this optimizer; its steps. */
    private long checked(OptimizerState state) {
        StateCheck.kind(state, kind());
        StateCheck.buffers(state, size, BUFFER);
        return StateCheck.counter(state, "steps", 0, Long.MAX_VALUE);
    }

    @Override
    public String toString() {
        return "OuterNesterov(lr=" + lr + ", momentum=" + momentum + ", nesterov=" + nesterov + ", size=" + size + ")";
    }
}
