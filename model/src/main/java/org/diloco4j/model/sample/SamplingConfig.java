package org.diloco4j.model.sample;

/**
 * How to pick each next token.
 *
 * @param temperature logits are divided by it; 0 means greedy (always the most likely token)
 * @param topK        sample only among the k most likely tokens; 0 means the whole vocabulary
 * @param seed        seeds the sampler's random stream, so the same θ and prompt give the same text
 */
public record SamplingConfig(double temperature, int topK, long seed) {
    public SamplingConfig {
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("sampling.temperature must be >= 0 (0 = greedy), got " + temperature);
        }
        if (topK < 0) throw new IllegalArgumentException("sampling.topK must be >= 0 (0 = no limit), got " + topK);
    }

    public static SamplingConfig greedy() {
        return new SamplingConfig(0, 0, 0);
    }
}
