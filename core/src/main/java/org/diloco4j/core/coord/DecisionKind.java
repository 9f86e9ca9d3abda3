package org.diloco4j.core.coord;

import java.util.Locale;

/** What a {@link Metric.Decision} records about a member (or, for some, the run). */
public enum DecisionKind {
    /** A member was admitted. */
    JOIN,
    /** A contribution (or an expected one) was left out of an outer update. */
    DROP,
    /** A message was refused; a {@link Command.Reject} with its {@link Refusal} code goes with it. */
    REJECT,
    /** A member was removed; it must join again. */
    EVICT,
    /** A member's session was lost (silent, disconnected, or the coordinator restarted). */
    LOST,
    /** A member left on purpose. */
    LEAVE,
    /** The run stopped. */
    STOP,
    /** The coordinator waits: for workers, or for a round to fill. */
    WAIT;

    /** The word metrics.jsonl and the report use: the constant's name in lower case. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
