package org.diloco4j.core.train;

/**
 * What a call to {@link InnerTrainer#train} did.
 *
 * @param steps  inner steps run
 * @param tokens training tokens consumed (examples for non-language toys)
 * @param losses training loss of each step, in order (length {@code steps})
 */
public record TrainReport(int steps, long tokens, float[] losses) {
    public TrainReport {
        if (losses.length != steps) throw new IllegalArgumentException("losses " + losses.length + " != steps " + steps);
    }

    public float lastLoss() {
        return steps == 0 ? Float.NaN : losses[steps - 1];
    }

    public double meanLoss() {
        double s = 0;
        for (float l : losses) s += l;
        return steps == 0 ? Double.NaN : s / steps;
    }
}
