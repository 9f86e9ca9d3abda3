package org.diloco4j.model.data.batch;

/**
 * A batch of token windows for next-token prediction.
 *
 * @param batch   B, number of rows
 * @param context T, tokens per row
 * @param inputs  (B, T) row-major token ids
 * @param targets (B, T) row-major: {@code targets[b][t] = inputs[b][t + 1]} within the source text
 */
public record TokenBatch(int batch, int context, int[] inputs, int[] targets) {
    public TokenBatch {
        if (batch <= 0 || context <= 0) throw new IllegalArgumentException("batch " + batch + " x context " + context);
        if (inputs.length != batch * context || targets.length != batch * context) {
            throw new IllegalArgumentException("token arrays must hold batch*context = " + batch * context + " ids");
        }
    }

    public long tokens() {
        return (long) batch * context;
    }
}
