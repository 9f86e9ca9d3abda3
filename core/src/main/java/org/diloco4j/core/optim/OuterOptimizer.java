package org.diloco4j.core.optim;

/**
 * The outer optimizer: applies pseudo-gradients to the global parameters θ. A pseudo-gradient is
 * {@code δ = θ_old − θ_new} (old minus new), so, like any gradient, the optimizer subtracts it.
 * θ and all state are fp32. One instance owns the state for one vector (a whole model or one
 * streaming fragment) of a fixed length.
 */
public interface OuterOptimizer {
    /** Length of the vectors this optimizer was made for. */
    int size();

    /**
     * One update. Synchronous optimizers take the aggregated pseudo-gradient of a round; Delayed
     * Nesterov takes each worker's pseudo-gradient as it arrives.
     *
     * @param theta global parameters, updated in place (length {@link #size()})
     * @param g     pseudo-gradient (length {@link #size()}), not modified
     */
    default void step(float[] theta, float[] g) {
        Hyper.vectors(size(), theta, g);
        begin().apply(theta, 0, g, 0, 0, size());
        commit();
    }

    /**
     * Starts one step: its coefficients, decided from the counters, in a kernel that may be applied
     * to the vector's elements range by range, in any order or in parallel ({@link StepKernel}).
     * Once every element has been applied, {@link #commit()} advances the counters. Nothing is
     * changed until the kernel runs, so a step that is begun and never applied leaves no trace.
     */
    StepKernel begin();

    /** Ends the step {@link #begin()} started, after its kernel covered every element once. */
    void commit();

    /** A deep copy of the full state (buffers and counters); {@link #restore} of it continues bit-identically. */
    OptimizerState state();

    void restore(OptimizerState state);
}
