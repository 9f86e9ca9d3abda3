package org.diloco4j.core.train;

import java.util.Arrays;

/**
 * What a call to {@link InnerTrainer#train} did.
 *
 * @param steps     inner steps run
 * @param tokens    training tokens consumed (examples for non-language toys)
 * @param losses    training loss of each step, in order (length {@code steps})
 * @param gradNorms global L2 norm of each step's gradient before clipping (what the clip compares
 *                  with its threshold), same order; NaN where the trainer does not measure it
 * @param lrs       learning rate each step used, same order; NaN where the trainer does not know it
 */
public record TrainReport(int steps, long tokens, float[] losses, float[] gradNorms, double[] lrs) {
    public TrainReport {
        if (losses.length != steps) throw new IllegalArgumentException("losses " + losses.length + " != steps " + steps);
        if (gradNorms.length != steps) throw new IllegalArgumentException("gradNorms " + gradNorms.length + " != steps " + steps);
        if (lrs.length != steps) throw new IllegalArgumentException("lrs " + lrs.length + " != steps " + steps);
    }

    /** A report of a trainer that measures neither gradient norms nor learning rates. */
    public TrainReport(int steps, long tokens, float[] losses) {
        this(steps, tokens, losses, nanFloats(steps), nanDoubles(steps));
    }

    public float lastLoss() {
        return steps == 0 ? Float.NaN : losses[steps - 1];
    }

    public double meanLoss() {
        return mean(losses);
    }

    /** Mean pre-clip gradient norm over the steps (NaN if none, or not measured). */
    public double meanGradNorm() {
        return mean(gradNorms);
    }

    /** The learning rate of the last step (NaN if none, or not known). */
    public double lastLr() {
        return steps == 0 ? Double.NaN : lrs[steps - 1];
    }

    private static double mean(float[] values) {
        double s = 0;
        for (float v : values) s += v;
        return values.length == 0 ? Double.NaN : s / values.length;
    }

    private static float[] nanFloats(int n) {
        float[] a = new float[Math.max(0, n)];
        Arrays.fill(a, Float.NaN);
        return a;
    }

    private static double[] nanDoubles(int n) {
        double[] a = new double[Math.max(0, n)];
        Arrays.fill(a, Double.NaN);
        return a;
    }
}
