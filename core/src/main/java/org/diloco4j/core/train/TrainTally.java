package org.diloco4j.core.train;

/**
 * Training summed over one or more {@link TrainReport}s until it is reported (a streaming worker
 * trains in several calls between two pushes): what one train-loss sample says about it. Not
 * thread-safe.
 */
public final class TrainTally {
    private int steps;
    private long tokens;
    private double seconds;
    private double lossSum;
    private double normSum;
    private double lastLr = Double.NaN;

    /** A tally of one call to {@link InnerTrainer#train} that took {@code seconds} of wall time. */
    public static TrainTally of(TrainReport r, double seconds) {
        TrainTally t = new TrainTally();
        t.add(r, seconds);
        return t;
    }

    /** Adds a call to {@link InnerTrainer#train} that took {@code seconds} of wall time. */
    public void add(TrainReport r, double seconds) {
        steps += r.steps();
        tokens += r.tokens();
        this.seconds += seconds;
        for (int i = 0; i < r.steps(); i++) {
            lossSum += r.losses()[i];
            normSum += r.gradNorms()[i];
        }
        if (r.steps() > 0) lastLr = r.lastLr();
    }

    public void reset() {
        steps = 0;
        tokens = 0;
        seconds = 0;
        lossSum = 0;
        normSum = 0;
        lastLr = Double.NaN;
    }

    public int steps() {
        return steps;
    }

    public long tokens() {
        return tokens;
    }

    /** Wall seconds the steps took. */
    public double seconds() {
        return seconds;
    }

    /** Mean training loss per step; NaN without steps. */
    public double meanLoss() {
        return steps == 0 ? Double.NaN : lossSum / steps;
    }

    /** Mean pre-clip gradient norm per step; NaN without steps or when the trainer does not measure it. */
    public double meanGradNorm() {
        return steps == 0 ? Double.NaN : normSum / steps;
    }

    /** Learning rate of the last step; NaN without steps or when the trainer does not know it. */
    public double lastLr() {
        return lastLr;
    }

    /** Tokens per wall second; NaN when no time was measured. */
    public double tokensPerSecond() {
        return seconds > 0 ? tokens / seconds : Double.NaN;
    }
}
