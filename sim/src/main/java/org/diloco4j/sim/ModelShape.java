package org.diloco4j.sim;

/**
 * What the simulator needs to know of a GPT to time its training and size its memory: how many
 * parameters it has and the shape that sets attention's cost. The parameter count comes from the
 * model itself (model's {@code GptConfig.parameterCount()}), which this module does not depend on.
 *
 * <p>Training FLOPs per token, forward and backward (docs/devices.md):
 * <pre>  6 · (N − T·d) + 12 · L · T · d</pre>
 * Every weight the token passes through costs 2 FLOPs forward (a multiply and an add) and 4 backward
 * (the gradients of the input and of the weight): 6 per weight. The position table (T·d values) is
 * read by lookup, not multiplied, so it is left out; the token embedding stays in, as the tied output
 * head multiplies by it. Biases and LayerNorm gains are counted as if they were weights (under 1 % of
 * N). Attention adds, per layer and token, QKᵀ and the weighted sum of V over the T positions of the
 * context, 2·T·d FLOPs each forward, three times that with the backward: 12·L·T·d, the count of
 * PaLM's appendix B (Chowdhery et al. 2022), which charges the full context even though a causal
 * mask lets a kernel skip half of it.
 *
 * @param params  N, parameters of θ
 * @param layers  L, transformer blocks
 * @param dModel  d, width of the residual stream
 * @param context T, tokens per training window
 */
public record ModelShape(long params, int layers, int dModel, int context) {
    /** Bytes per parameter that training keeps at the least: fp32 θ, its gradient and AdamW's two moments. */
    public static final int TRAINING_BYTES_PER_PARAM = 16;

    public ModelShape {
        if (layers <= 0 || dModel <= 0 || context <= 0) {
            throw new IllegalArgumentException("model shape needs positive layers, d_model and context (got " + layers + ", " + dModel + ", " + context + ")");
        }
        if (params <= (long) context * dModel) {
            throw new IllegalArgumentException(params + " parameters cannot hold a " + context + " × " + dModel + " position table");
        }
    }

    /** Training FLOPs (forward + backward) per token of a window. */
    public double flopsPerToken() {
        double td = (double) context * dModel;
        return 6 * (params - td) + 12 * layers * td;
    }

    /** Training FLOPs of one inner step of {@code batch} windows of {@code context} tokens. */
    public double flopsPerStep(int batch) {
        if (batch <= 0) throw new IllegalArgumentException("batch " + batch + " must be > 0");
        return flopsPerToken() * batch * context;
    }

    /** Bytes training needs before activations: {@value #TRAINING_BYTES_PER_PARAM} per parameter. */
    public double trainingStateBytes() {
        return (double) TRAINING_BYTES_PER_PARAM * params;
    }
}
