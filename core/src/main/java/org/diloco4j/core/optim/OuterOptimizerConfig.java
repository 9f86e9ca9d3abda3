package org.diloco4j.core.optim;

import java.util.Arrays;
import java.util.Locale;

/**
 * Which outer optimizer to use and its hyper-parameters, validated once when built.
 *
 * @param kind       the algorithm
 * @param lr         outer learning rate η &gt; 0 (DiLoCo: 0.7)
 * @param momentum   μ ∈ [0, 1) (DiLoCo: 0.9); ignored by {@link Kind#SGD}
 * @param bufferSize N ≥ 1, arrivals per momentum update; only used by {@link Kind#DELAYED_NESTEROV}
 * @param c          ∈ [0, 1/N], share of momentum applied between updates; only used by {@link Kind#DELAYED_NESTEROV}
 */
public record OuterOptimizerConfig(Kind kind, double lr, double momentum, int bufferSize, double c) {
    public static final double DEFAULT_LR = 0.7;
    public static final double DEFAULT_MOMENTUM = 0.9;

    public enum Kind {
        /** θ ← θ − η g. */
        SGD("sgd"),
        /** PyTorch SGD with Nesterov momentum (DiLoCo's outer optimizer). */
        NESTEROV("nesterov"),
        /** PyTorch SGD with classical (heavy-ball) momentum. */
        MOMENTUM("momentum"),
        /** Delayed Nesterov, for asynchronous arrivals. */
        DELAYED_NESTEROV("delayed-nesterov");

        private final String id;

        Kind(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        /** fp32 buffers the optimizer keeps per parameter besides θ (its state's size; the memory bound counts them). */
        public int buffers() {
            return switch (this) {
                case SGD -> 0;
                case NESTEROV, MOMENTUM -> 1;
                case DELAYED_NESTEROV -> 2; // momentum and accumulator
            };
        }

        public static Kind parse(String s) {
            String k = s.trim().toLowerCase(Locale.ROOT);
            for (Kind v : values()) {
                if (v.id.equals(k)) return v;
            }
            throw new IllegalArgumentException("unknown outer optimizer kind '" + s + "'; allowed: "
                    + String.join(", ", Arrays.stream(values()).map(Kind::id).toList()));
        }

        @Override
        public String toString() {
            return id;
        }
    }

    public OuterOptimizerConfig {
        if (kind == null) throw new IllegalArgumentException("outer optimizer kind is missing; allowed: sgd, nesterov, momentum, delayed-nesterov");
        if (!(lr > 0) || !Double.isFinite(lr)) {
            throw new IllegalArgumentException("outer.lr = " + lr + " is invalid: must be a finite number > 0");
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("outer.momentum = " + momentum + " is invalid: must be in [0, 1)");
        }
        if (bufferSize < 1) {
            throw new IllegalArgumentException("outer.buffer-size (N) = " + bufferSize + " is invalid: must be >= 1");
        }
        if (!(c >= 0 && c <= 1.0 / bufferSize)) {
            throw new IllegalArgumentException("outer.c = " + c + " is invalid: must be in [0, 1/N] = [0, "
                    + (1.0 / bufferSize) + "] with N = " + bufferSize);
        }
    }

    public static OuterOptimizerConfig sgd(double lr) {
        return new OuterOptimizerConfig(Kind.SGD, lr, 0, 1, 0);
    }

    public static OuterOptimizerConfig nesterov(double lr, double momentum) {
        return new OuterOptimizerConfig(Kind.NESTEROV, lr, momentum, 1, 0);
    }

    /** DiLoCo's outer optimizer: Nesterov, η = 0.7, μ = 0.9. */
    public static OuterOptimizerConfig diloco() {
        return nesterov(DEFAULT_LR, DEFAULT_MOMENTUM);
    }

    public static OuterOptimizerConfig momentum(double lr, double momentum) {
        return new OuterOptimizerConfig(Kind.MOMENTUM, lr, momentum, 1, 0);
    }

    public static OuterOptimizerConfig delayedNesterov(double lr, double momentum, int bufferSize, double c) {
        return new OuterOptimizerConfig(Kind.DELAYED_NESTEROV, lr, momentum, bufferSize, c);
    }

    /** A fresh optimizer (zero state) for vectors of length {@code size}. */
    public OuterOptimizer create(int size) {
        return switch (kind) {
            case SGD -> new OuterSgd(size, lr);
            case NESTEROV -> new OuterNesterov(size, lr, momentum, true);
            case MOMENTUM -> new OuterNesterov(size, lr, momentum, false);
            case DELAYED_NESTEROV -> new DelayedNesterov(size, lr, momentum, bufferSize, c);
        };
    }

    /**
     * An optimizer continuing from {@code state}, as {@link #create} then {@link OuterOptimizer#restore},
     * but whose buffers are the state's own arrays, not copies: for a state read from a checkpoint that
     * nothing else uses (Delayed Nesterov's are 8 GB at 1B parameters). The caller must not use them again.
     */
    public OuterOptimizer adopt(int size, OptimizerState state) {
        return switch (kind) {
            case SGD -> {
                OuterOptimizer o = new OuterSgd(size, lr); // no buffers: nothing to adopt
                o.restore(state);
                yield o;
            }
            case NESTEROV -> OuterNesterov.adopting(size, lr, momentum, true, state);
            case MOMENTUM -> OuterNesterov.adopting(size, lr, momentum, false, state);
            case DELAYED_NESTEROV -> DelayedNesterov.adopting(size, lr, momentum, bufferSize, c, state);
        };
    }

    /**
     * A bound on how far one step moves any value of θ: |Δθ_i| ≤ stepGain × G, where G bounds every
     * |g_i| of every pseudo-gradient applied so far and every value the buffers started from. All
     * four keep a momentum m ≤ G / (1 − μ) (a geometric sum of means of g) and step by at most
     * η (μ m + g) (Nesterov), η m (heavy ball), or η/N (K m + g) with K ≤ Nμ (Delayed Nesterov, as c ≤ 1/N):
     * each at most η G / (1 − μ). Exact arithmetic; callers leave a margin for rounding.
     */
    public double stepGain() {
        return kind == Kind.SGD ? lr : lr / (1 - momentum);
    }

    /** A bound on the optimizer's buffers in the same units: |b_i| ≤ bufferGain × G (DN's accumulator sums up to N of g). */
    public double bufferGain() {
        return switch (kind) {
            case SGD -> 0;
            case NESTEROV, MOMENTUM -> 1 / (1 - momentum);
            case DELAYED_NESTEROV -> Math.max(bufferSize, 1 / (1 - momentum));
        };
    }

    /** The state kind that {@link #create}'s optimizers save, to check a checkpoint before restoring it. */
    public String stateKind() {
        return switch (kind) {
            case SGD -> OuterSgd.KIND;
            case NESTEROV -> OuterNesterov.KIND_NESTEROV;
            case MOMENTUM -> OuterNesterov.KIND_MOMENTUM;
            case DELAYED_NESTEROV -> DelayedNesterov.KIND;
        };
    }
}
