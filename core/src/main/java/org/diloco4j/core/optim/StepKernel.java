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
}
