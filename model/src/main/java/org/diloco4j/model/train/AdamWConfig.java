package org.diloco4j.model.train;

/**
 * Inner AdamW hyper-parameters, with PyTorch's {@code torch.optim.AdamW} semantics (decoupled
 * weight decay {@code θ ← θ(1 − lr·wd)} before the Adam step, bias-corrected moments).
 *
 * @param lr          peak learning rate (the schedule scales it)
 * @param beta1       first-moment decay
 * @param beta2       second-moment decay
 * @param eps         added to the bias-corrected RMS
 * @param weightDecay applied to matmul and embedding weights only, never to biases or LayerNorm
 */
public record AdamWConfig(double lr, double beta1, double beta2, double eps, double weightDecay) {
    public AdamWConfig {
        if (!(lr > 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("adamw.lr must be > 0, got " + lr);
        if (!(beta1 >= 0 && beta1 < 1)) throw new IllegalArgumentException("adamw.beta1 must be in [0, 1), got " + beta1);
        if (!(beta2 >= 0 && beta2 < 1)) throw new IllegalArgumentException("adamw.beta2 must be in [0, 1), got " + beta2);
        if (!(eps > 0)) throw new IllegalArgumentException("adamw.eps must be > 0, got " + eps);
        if (!(weightDecay >= 0)) throw new IllegalArgumentException("adamw.weightDecay must be >= 0, got " + weightDecay);
    }

    /** DiLoCo's inner optimizer: lr 4e-4, betas (0.9, 0.95), eps 1e-8, weight decay 0.1. */
    public static AdamWConfig defaults() {
        return new AdamWConfig(4e-4, 0.9, 0.95, 1e-8, 0.1);
    }

    public AdamWConfig withLr(double newLr) {
        return new AdamWConfig(newLr, beta1, beta2, eps, weightDecay);
    }

    public AdamWConfig withWeightDecay(double wd) {
        return new AdamWConfig(lr, beta1, beta2, eps, wd);
    }
}
