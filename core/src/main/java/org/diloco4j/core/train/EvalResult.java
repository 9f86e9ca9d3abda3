package org.diloco4j.core.train;

/**
 * Held-out loss of a parameter vector.
 *
 * @param loss   mean cross-entropy per token (nats)
 * @param tokens tokens evaluated
 */
public record EvalResult(double loss, long tokens) implements java.io.Serializable {
    public double perplexity() {
        return Math.exp(loss);
    }
}
