package org.diloco4j.app.run;

/**
 * A continuation of a fixed prompt sampled from a run's final global model (a {@code sample} event
 * of metrics.jsonl): with the prompt, seed and sampling settings recorded, the same model gives the
 * same text again ({@code diloco sample --run DIR --prompt ... --seed ...}).
 *
 * @param index       which of the run's samples (0, 1, ...)
 * @param prompt      the text continued
 * @param text        the generated continuation, without the prompt
 * @param tokens      tokens generated
 * @param seed        the sampler's seed
 * @param temperature sampling temperature
 * @param topK        sampled among the k most likely tokens (0 = all)
 */
public record TextSample(int index, String prompt, String text, int tokens, long seed, double temperature, int topK) {
}
