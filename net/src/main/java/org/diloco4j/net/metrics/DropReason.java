package org.diloco4j.net.metrics;

import org.diloco4j.core.agg.DropCause;

import java.util.Locale;

/**
 * Why a valid contribution was left out of an outer update, as a bounded set: the {@code reason}
 * label of {@code diloco_coordinator_contributions_dropped_total}. The full text stays in the log
 * and in metrics.jsonl.
 */
public enum DropReason {
    /** Trained from a θ (or fragment round) whose round had already been committed. */
    LATE,
    /** Staler than {@code outer.max_staleness}. */
    STALE,
    /** The member had not delivered when the round (or fragment round) deadline passed. */
    DEADLINE,
    /** The member was not part of the round (it joined after the round opened). */
    NOT_IN_ROUND,
    /** Streaming: the member waited for another fragment whose round waited, in a cycle, for this one's. */
    WAITS_IN_CYCLE,
    /** The member had already contributed to this aggregate. */
    DUPLICATE,
    /** Aggregation refused its values or weight (NaN/Inf, a weight fp32 cannot hold). */
    INVALID,
    /** None of the above (a drop the labels do not single out). */
    OTHER;

    /** The label value: the constant's name in snake case. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The label of the core coordinator's drop code; the switch covers every code, so a new one does not compile until labelled. */
    public static DropReason of(DropCause cause) {
        return switch (cause) {
            case LATE -> LATE;
            case STALE -> STALE;
            case MISSED_DEADLINE -> DEADLINE;
            case NOT_IN_ROUND, JOINED_AFTER_ROUND -> NOT_IN_ROUND;
            case WAITS_IN_CYCLE -> WAITS_IN_CYCLE;
            case DUPLICATE -> DUPLICATE;
            case NON_FINITE, WEIGHT_NOT_REPRESENTABLE -> INVALID;
            case NO_CONTRIBUTION, NO_SHARD_SIZE -> OTHER;
        };
    }
}
