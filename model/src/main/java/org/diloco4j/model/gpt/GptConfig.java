package org.diloco4j.model.gpt;

import org.diloco4j.core.params.Fp32Storage;

/**
 * Shape of a decoder-only GPT (GPT-2 / nanoGPT architecture: learned positions, pre-LayerNorm
 * blocks, 4x GELU MLP, output head tied to the token embedding).
 *
 * @param vocabSize V, number of token ids
 * @param layers    number of transformer blocks
 * @param dModel    C, width of the residual stream
 * @param heads     attention heads; {@code dModel} must be divisible by it
 * @param context   T, maximum sequence length (size of the position table)
 */
public record GptConfig(int vocabSize, int layers, int dModel, int heads, int context) {
    public GptConfig {
        positive("vocabSize", vocabSize);
        positive("layers", layers);
        positive("dModel", dModel);
        positive("heads", heads);
        positive("context", context);
        if (dModel % heads != 0) {
            throw new IllegalArgumentException("dModel " + dModel + " must be divisible by heads " + heads
                    + " (head size = dModel / heads)");
        }
        // Refused here, before anything is built: θ is one float[] (the layout itself is long-addressed).
        Fp32Storage.length(parameterCount(vocabSize, layers, dModel, context), "a GPT of this config");
    }

    /** The configuration the throughput benchmark uses: 3.26M parameters, byte vocabulary. */
    public static GptConfig bench() {
        return new GptConfig(256, 4, 256, 4, 128);
    }

    /** Head size C / H. */
    public int headDim() {
        return dModel / heads;
    }

    /** Number of fp32 parameters (the tied head adds none). */
    public int parameterCount() {
        return (int) parameterCount(vocabSize, layers, dModel, context);
    }

    private static long parameterCount(long v, long layers, long c, long t) {
        long perBlock = 2 * c            // ln1
                + 3 * c * c + 3 * c      // attn.qkv
                + c * c + c              // attn.proj
                + 2 * c                  // ln2
                + 4 * c * c + 4 * c      // mlp.fc
                + 4 * c * c + c;         // mlp.proj
        return v * c + t * c + layers * perBlock + 2 * c;
    }

    private static void positive(String name, int value) {
        if (value <= 0) throw new IllegalArgumentException("GptConfig." + name + " must be > 0, got " + value);
    }
}
