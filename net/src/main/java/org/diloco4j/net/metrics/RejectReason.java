package org.diloco4j.net.metrics;

import org.diloco4j.core.coord.Refusal;

import java.util.Locale;

/**
 * Why a pseudo-gradient upload was rejected, as a bounded set: the {@code reason} label of
 * {@code diloco_coordinator_pushes_rejected_total}. The full text of each rejection stays in the
 * log and in metrics.jsonl; a label must not carry free text (every distinct value is a new time
 * series).
 */
public enum RejectReason {
    /** The session it names is not in the run: lost, evicted, left, fenced (an old generation) or a wrong key. */
    UNKNOWN_SESSION,
    /** The envelope is wrong: header order, push id, fragment, codec, declared or actual size, counts, versions. */
    MALFORMED,
    /** The bytes did not arrive intact or do not decode: truncated, too many, CRC32C mismatch, undecodable. */
    CORRUPT,
    /** The pseudo-gradient holds NaN or ±Inf. */
    NON_FINITE,
    /** Its norm exceeds {@code outer.max_delta_norm}. */
    NORM_BOUND,
    /** The member already had as many uploads in flight as it may. */
    BUSY,
    /** It does not answer the member's outstanding assignment (id or base version): a replay. */
    REPLAY,
    /** A figure it reports (steps, tokens, seconds) is not what its assignment allows. */
    IMPLAUSIBLE,
    /** The run had already ended. */
    RUN_OVER,
    /** None of the above (a reason this version does not know how to classify). */
    OTHER;

    /** The label value: the constant's name in snake case. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The label of a refused upload's code (the labels predate the codes and stay as they were). */
    public static RejectReason of(Refusal code) {
        return switch (code) {
            case NOT_A_MEMBER -> UNKNOWN_SESSION;
            case MALFORMED -> MALFORMED;
            case CORRUPT -> CORRUPT;
            case NON_FINITE -> NON_FINITE;
            case NORM_BOUND -> NORM_BOUND;
            case BUSY -> BUSY;
            case REPLAY -> REPLAY;
            case IMPLAUSIBLE -> IMPLAUSIBLE;
            case RUN_OVER -> RUN_OVER;
            case BAD_SHARD, WRONG_PROTOCOL, FULL -> OTHER;
        };
    }
}
