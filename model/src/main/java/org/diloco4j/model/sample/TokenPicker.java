package org.diloco4j.model.sample;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Temperature and top-k sampling from one row of logits, in Java (the vocabulary row is small next
 * to the forward pass, and Java's {@link SplittableRandom} makes the choice reproducible).
 */
final class TokenPicker {
    private final SamplingConfig config;
    private final SplittableRandom random;

    TokenPicker(SamplingConfig config) {
        this.config = config;
        this.random = new SplittableRandom(config.seed());
    }

    /** Picks a token id given unnormalised {@code logits} over the vocabulary. */
    int pick(float[] logits) {
        if (config.temperature() == 0) return argmax(logits);
        int v = logits.length;
        int k = config.topK() == 0 ? v : Math.min(config.topK(), v);
        double threshold = k == v ? Double.NEGATIVE_INFINITY : kthLargest(logits, k);
        double max = logits[argmax(logits)];
        double[] weights = new double[v];
        double sum = 0;
        int kept = 0;
        for (int i = 0; i < v; i++) {
            // Ties at the threshold are kept only until k tokens are in, as torch.topk would.
            if (logits[i] > threshold || (logits[i] == threshold && kept < k)) {
                weights[i] = Math.exp((logits[i] - max) / config.temperature());
                sum += weights[i];
                kept++;
            }
        }
        double r = random.nextDouble() * sum;
        int last = -1;
        for (int i = 0; i < v; i++) {
            if (weights[i] == 0) continue;
            last = i;
            r -= weights[i];
            if (r < 0) return i;
        }
        return last;   // rounding left r ≥ 0 after the last candidate
    }

    private static int argmax(float[] a) {
        int best = 0;
        for (int i = 1; i < a.length; i++) if (a[i] > a[best]) best = i;
        return best;
    }

    private static double kthLargest(float[] a, int k) {
        float[] sorted = a.clone();
        Arrays.sort(sorted);
        return sorted[a.length - k];
    }
}
