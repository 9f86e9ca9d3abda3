package org.diloco4j.net.metrics;

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
    /** The run had already ended. */
    RUN_OVER,
    /** None of the above (a reason this version does not know how to classify). */
    OTHER;

    /** The label value: the constant's name in snake case. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Classifies a reason the core coordinator gave in its free-text rejection (its decisions carry
     * no type); reasons the network layer finds itself are passed as constants instead.
     */
    public static RejectReason ofCoordinator(String reason) {
        if (reason.startsWith("fenced") || reason.startsWith("unknown or evicted member")) return UNKNOWN_SESSION;
        if (reason.contains("non-finite value")) return NON_FINITE;
        if (reason.contains("exceeds the bound")) return NORM_BOUND;
        if (reason.startsWith("undecodable")) return CORRUPT;
        if (reason.startsWith("fragment ") || reason.startsWith("codec ") || reason.startsWith("payload of ") || reason.startsWith("negative ")
                || reason.startsWith("compute seconds") || reason.startsWith("base version") || reason.startsWith("real payload")
                || reason.startsWith("phantom payload")) {
            return MALFORMED;
        }
        return OTHER;
    }
}
