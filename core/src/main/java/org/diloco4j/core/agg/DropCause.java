package org.diloco4j.core.agg;

/**
 * Why a contribution (or an expected one) was left out of an outer update, as a code: the drop
 * decisions of the aggregation ({@link WeightedMean}, the {@link WeightPolicy}s) and of the
 * coordinator's policies carry one beside their human reason, so that drivers and monitoring
 * classify drops without reading the text.
 */
public enum DropCause {
    /** Trained from a θ (or fragment round) whose round had already been committed. */
    LATE,
    /** Synchronous: the member was not among those the round was handed out to. */
    NOT_IN_ROUND,
    /** Streaming: the fragment's round opened before the member joined. */
    JOINED_AFTER_ROUND,
    /**
     * Streaming: the member waits for another fragment's round that (directly or through other
     * waiting members) waits for this one, so this round stops waiting for it; a push of it that
     * still arrives before the round closes is taken.
     */
    WAITS_IN_CYCLE,
    /** The member had not delivered when the round (or fragment round) deadline passed. */
    MISSED_DEADLINE,
    /** The member's worker reported it had nothing to send (its push failed or was refused). */
    NO_CONTRIBUTION,
    /** Staler than {@code outer.max_staleness}. */
    STALE,
    /** Shard-size weighting, but the member reported no shard size. */
    NO_SHARD_SIZE,
    /** The member had already contributed to this aggregate. */
    DUPLICATE,
    /** The pseudo-gradient held NaN or ±Inf values. */
    NON_FINITE,
    /** The weight was not representable as a positive finite fp32 value. */
    WEIGHT_NOT_REPRESENTABLE
}
