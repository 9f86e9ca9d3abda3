package org.diloco4j.net.metrics;

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
    /** The member had already contributed to this aggregate. */
    DUPLICATE,
    /** Aggregation refused its values or weight (NaN/Inf, a weight fp32 cannot hold). */
    INVALID,
    /** None of the above (a reason this version does not know how to classify). */
    OTHER;

    /** The label value: the constant's name in snake case. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Classifies a reason the core coordinator gave in its free-text drop decision (its decisions
     * carry no type). The phrases matched hold a space, which worker names cannot, so a name never
     * decides the class.
     */
    public static DropReason ofCoordinator(String reason) {
        if (reason.contains(" late: ")) return LATE;
        if (reason.contains("too stale")) return STALE;
        if (reason.contains("missed the round deadline") || reason.contains("missed the deadline of")) return DEADLINE;
        if (reason.contains("not part of the round") || reason.contains("opened before it joined")) return NOT_IN_ROUND;
        if (reason.contains("already contributed")) return DUPLICATE;
        if (reason.contains("NaN/Inf") || reason.contains("not representable")) return INVALID;
        return OTHER;
    }
}
