package org.diloco4j.core.train;

/**
 * Where an assignment sits on the run's clock, for the inner learning-rate schedule. The schedule
 * follows the tokens trained by ALL workers, not a worker's own step counter: with workers of
 * different speeds, a per-worker counter leaves the fastest at the schedule's floor while the
 * slowest is still near the peak (in the default run 43 % of the fast worker's steps were at the
 * floor while the slowest stayed at ~94 % of peak). With a global clock every worker's learning
 * rate at a given moment reflects how far the run is.
 *
 * <p>The coordinator estimates {@code startTokens} when it hands out the assignment (tokens applied
 * plus an estimate of what other workers have trained since their own assignments) and
 * {@code rate}, how many tokens the whole run trains while this worker trains one (Σ speeds / own
 * speed; the number of members for workers running in lockstep). With k equal workers this is
 * exactly k × the worker's own counter: synchronous DiLoCo's schedule is unchanged.
 *
 * @param startTokens tokens trained by all workers when the assignment's first step runs, ≥ 0
 * @param rate        run tokens per token this worker trains, ≥ 0 (finite)
 */
public record GlobalProgress(double startTokens, double rate) {
    public GlobalProgress {
        if (!(startTokens >= 0) || Double.isInfinite(startTokens)) throw new IllegalArgumentException("progress start " + startTokens);
        if (!(rate >= 0) || Double.isInfinite(rate)) throw new IllegalArgumentException("progress rate " + rate);
    }

    /** A worker training alone: the run's clock is its own. */
    public static GlobalProgress alone(long tokensSoFar) {
        return new GlobalProgress(tokensSoFar, 1);
    }

    /** The run's tokens when this worker has trained {@code ownTokens} more of the assignment. */
    public double at(long ownTokens) {
        return startTokens + rate * ownTokens;
    }

    /** The same clock, {@code ownTokens} of this worker's training later. */
    public GlobalProgress advancedBy(long ownTokens) {
        return new GlobalProgress(at(ownTokens), rate);
    }
}
