package org.diloco4j.model.train;

/**
 * Learning-rate multiplier as a function of the position on the run's clock, in steps: linear
 * warmup over {@code warmupSteps}, then cosine decay to {@code minLrRatio} at {@code decaySteps},
 * flat after. {@code decaySteps == 0} means no decay (constant after warmup). The position keeps
 * counting across DiLoCo rounds (the inner LR is never re-warmed). In a run it is the run's tokens
 * divided by the tokens of one step of every worker ({@link GptTrainer}, {@code GlobalProgress}),
 * i.e. the steps an average worker has taken; alone, it is the trainer's own step counter.
 *
 * @param warmupSteps steps of linear warmup; 0 for none
 * @param decaySteps  step at which the cosine reaches its floor; 0 for no decay, else > warmupSteps
 * @param minLrRatio  floor as a fraction of the peak lr, in [0, 1]
 */
public record LrSchedule(long warmupSteps, long decaySteps, double minLrRatio) {
    public LrSchedule {
        if (warmupSteps < 0) throw new IllegalArgumentException("schedule.warmupSteps must be >= 0, got " + warmupSteps);
        if (decaySteps < 0) throw new IllegalArgumentException("schedule.decaySteps must be >= 0, got " + decaySteps);
        if (decaySteps != 0 && decaySteps <= warmupSteps) {
            throw new IllegalArgumentException("schedule.decaySteps (" + decaySteps + ") must exceed warmupSteps ("
                    + warmupSteps + "), or be 0 for no decay");
        }
        if (!(minLrRatio >= 0 && minLrRatio <= 1)) {
            throw new IllegalArgumentException("schedule.minLrRatio must be in [0, 1], got " + minLrRatio);
        }
    }

    /** Constant learning rate. */
    public static LrSchedule constant() {
        return new LrSchedule(0, 0, 1);
    }

    /** Warmup then cosine to 10% of the peak at {@code totalSteps}. */
    public static LrSchedule warmupCosine(long warmupSteps, long totalSteps) {
        return new LrSchedule(warmupSteps, totalSteps, 0.1);
    }

    /**
     * Multiplier of the peak lr for the step that follows {@code step} completed steps (0-based;
     * fractional on the run's clock, where an average worker may be part-way between steps).
     */
    public double multiplier(double step) {
        if (!(step >= 0) || Double.isInfinite(step)) throw new IllegalArgumentException("step " + step);
        if (step < warmupSteps) return Math.min(1, (step + 1) / warmupSteps);
        if (decaySteps == 0) return 1;
        if (step >= decaySteps) return minLrRatio;
        double progress = (step - warmupSteps) / (double) (decaySteps - warmupSteps);  // [0, 1)
        double cosine = 0.5 * (1 + Math.cos(Math.PI * progress));                    // 1 → 0
        return minLrRatio + cosine * (1 - minLrRatio);
    }
}
