package org.diloco4j.sim;

/**
 * Per-worker totals of a simulated run.
 *
 * @param computeSeconds     virtual seconds spent computing
 * @param communicateSeconds virtual seconds waiting on its own transfers
 * @param idleSeconds        virtual seconds waiting on others
 * @param steps              inner steps run
 * @param tokens             tokens trained
 * @param bytesUp            bytes this worker sent
 * @param bytesDown          bytes it received
 */
public record WorkerStats(String name, double computeSeconds, double communicateSeconds, double idleSeconds,
                          long steps, long tokens, long bytesUp, long bytesDown) {
    /** Share of the worker's time in the run spent computing. */
    public double utilization() {
        double total = computeSeconds + communicateSeconds + idleSeconds;
        return total > 0 ? computeSeconds / total : 0;
    }
}
