package org.diloco4j.sim;

/** A stretch of one worker's virtual time spent in one activity, for the report's timeline. */
public record Segment(String worker, Kind kind, double start, double end) {
    public enum Kind {
        /** Running inner steps. */
        COMPUTE,
        /** Waiting on its own transfers (sending a pseudo-gradient, receiving θ or a fragment). */
        COMMUNICATE,
        /** Waiting on others: the round, the coordinator, a grace period. */
        IDLE
    }

    public double seconds() {
        return end - start;
    }
}
