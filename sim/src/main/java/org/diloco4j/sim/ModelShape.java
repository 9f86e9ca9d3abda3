package org.diloco4j.sim;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;

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

    /**
     * Throws, saying what {@code device} has and what this model needs, unless {@code memoryBytes}
     * (NaN: unknown, not checked) holds its {@link #trainingStateBytes training state}.
     */
    public void requireFits(double memoryBytes, String device) {
        if (Double.isNaN(memoryBytes) || trainingStateBytes() <= memoryBytes) return;
        throw new IllegalArgumentException(String.format(Locale.ROOT,
                "%s has %s GB of memory; training %,d parameters needs at least %s GB (%d bytes per parameter: fp32 θ, its gradient"
                        + " and AdamW's two moments, before activations): choose a device with more memory or a smaller model",
                device, gb(memoryBytes), params, gb(trainingStateBytes()), TRAINING_BYTES_PER_PARAM));
    }

    /** Gigabytes (10^9 bytes) to three significant digits, whole above 100. */
    private static String gb(double bytes) {
        double g = bytes / 1e9;
        if (g >= 100) return String.format(Locale.ROOT, "%.0f", g);
        return new BigDecimal(g).round(new MathContext(3)).stripTrailingZeros().toPlainString();
    }
}
