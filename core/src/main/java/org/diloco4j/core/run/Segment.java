package org.diloco4j.core.run;

/**
 * A stretch of one worker's time spent in one activity, in the run's clock (simulated or wall
 * seconds): the report's timeline and the {@code segment} events of metrics.jsonl.
 */
public record Segment(String worker, Kind kind, double start, double end) {
    /** What a worker was doing: the one list of activities every driver, file and chart uses. */
    public enum Kind {
        /** Running inner steps. */
        COMPUTE,
        /** Waiting on its own transfers (sending a pseudo-gradient, receiving θ or a fragment). */
        COMMUNICATE,
        /** Waiting on others: the round, the coordinator, a grace period. */
        IDLE;

        /** How files and people name it: the lowercase word. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** The kind a label names (as heartbeats and metrics.jsonl write it), or null if it names none. */
        public static Kind ofLabel(String label) {
            for (Kind k : values()) if (k.label().equals(label)) return k;
            return null;
        }

        /** Every label, in the enum's order. */
        public static java.util.List<String> labels() {
            return java.util.Arrays.stream(values()).map(Kind::label).toList();
        }
    }

    public double seconds() {
        return end - start;
    }
}
