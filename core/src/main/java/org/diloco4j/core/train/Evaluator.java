package org.diloco4j.core.train;

/** Evaluates a parameter vector (always the global θ, never a worker's replica) on held-out data. */
public interface Evaluator extends AutoCloseable {
    EvalResult evaluate(float[] theta);

    @Override
    default void close() {
    }
}
