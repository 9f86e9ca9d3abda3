package org.diloco4j.core.optim;

import java.util.Map;

/**
 * Plain outer SGD: {@code θ ← θ − η g}. With η = 1 on the mean pseudo-gradient this is FedAvg
 * (θ becomes the mean of the workers' θ_i). Computed like PyTorch's {@code param.add_(g, alpha=-lr)},
 * one fused multiply-add per element.
 */
public final class OuterSgd implements OuterOptimizer {
    public static final String KIND = "sgd";

    private final int size;
    private final float lr;
    private long steps;

    public OuterSgd(int size, double lr) {
        this.size = Hyper.size(size);
        this.lr = Hyper.lr(lr);
    }

    @Override
    public int size() {
        return size;
    }

    public float lr() {
        return lr;
    }

    @Override
    public StepKernel begin() {
        float a = -lr;
        return (theta, to, g, go, off, len) -> {
            for (int i = 0; i < len; i++) theta[to + i] = Math.fma(g[go + i], a, theta[to + i]);
        };
    }

    @Override
    public void commit() {
        steps++;
    }

    public long steps() {
        return steps;
    }

    @Override
    public OptimizerState state() {
        return OptimizerState.of(KIND, Map.of("steps", steps), Map.of());
    }

    @Override
    public void restore(OptimizerState state) {
        StateCheck.kind(state, KIND);
        StateCheck.buffers(state, size);
        steps = StateCheck.counter(state, "steps", 0, Long.MAX_VALUE);
    }

    @Override
    public String toString() {
        return "OuterSgd(lr=" + lr + ", size=" + size + ")";
    }
}
