package org.diloco4j.core.coord;

/**
 * Why a join or a pseudo-gradient was refused: the one vocabulary drivers act on and the network
 * carries to workers (next to a human detail, which nothing decides on). The coordinator produces
 * most; the network transport adds the rest before a message reaches it.
 */
public enum Refusal {
    /** The run has ended (or is ending): nothing more will be admitted or applied. */
    RUN_OVER,
    /** The member named is not in the run: unknown, evicted, lost, left, fenced (an old generation) or a wrong session key. */
    NOT_A_MEMBER,
    /** A join asked for a data shard the run does not have (or a negative shard size). */
    BAD_SHARD,
    /** The envelope is wrong: fragment, codec, size, counts, seconds, base version, payload kind. */
    MALFORMED,
    /** The bytes do not decode (the network adds: truncated, too many, CRC32C mismatch). */
    CORRUPT,
    /** The pseudo-gradient holds NaN or ±Inf, or its outer step would have left θ non-finite (the step is undone). */
    NON_FINITE,
    /** Its norm exceeds the absolute bound ({@code outer.max_delta_norm} or the automatic one) or k × the median of recent accepted norms. */
    NORM_BOUND,
    /** Network: the worker speaks another protocol version. */
    WRONG_PROTOCOL,
    /** Network: the member already has as many uploads in flight as it may. */
    BUSY,
    /** A pseudo-gradient that does not answer the member's outstanding assignment (its id or base version): a replay. */
    REPLAY,
    /** A reported figure (steps, tokens, seconds, totals) is not what the assignment allows or is physically impossible. */
    IMPLAUSIBLE,
    /** A join refused because the run has its maximum of members or the address joins too often. */
    FULL
}
