package org.diloco4j.core.train;

/**
 * Held-out loss of a parameter vector.
 *
 * @param loss   mean cross-entropy per token (nats)
 * @param tokens tokens evaluated
 * @param bytes  UTF-8 bytes of text the evaluated targets stand for; 0 when unknown (evaluators of
 *               non-text toys, results read from checkpoints written before bytes were counted)
 */
public record EvalResult(double loss, long tokens, long bytes) {
    /** A result without a byte count: {@link #bitsPerByte()} is NaN. */
    public EvalResult(double loss, long tokens) {
        this(loss, tokens, 0);
    }

    public double perplexity() {
        return Math.exp(loss);
    }

    /**
     * Bits per UTF-8 byte of the evaluated text: the total nats over the targets, in bits, divided by
     * their bytes. Unlike per-token loss and perplexity it compares across tokenizers. NaN without a
     * byte count.
     */
    public double bitsPerByte() {
        return bitsPerByte(loss, tokens, bytes);
    }

    /** {@code loss · tokens / (bytes · ln 2)}; NaN when {@code bytes} is not positive. */
    public static double bitsPerByte(double loss, long tokens, long bytes) {
        return bytes > 0 ? loss * tokens / (bytes * Math.log(2)) : Double.NaN;
    }
}
