package org.diloco4j.net.worker;

import io.grpc.Status;

/**
 * What a θ pull does after an attempt failed with a gRPC status: the one rule {@link WorkerClient}'s
 * pull follows. Every status has its answer here (the switch has no default), so a status nobody
 * thought of does not fall into a retry by accident.
 */
enum PullRetry {
    /** Try the same snapshot again from the offset reached: the transfer broke, the snapshot is still kept. */
    RESUME(true),
    /** Try the same snapshot again from offset 0: the bytes so far cannot be trusted, or the offset is not in the snapshot. */
    RESTART(true),
    /**
     * Pull the newest θ again from offset 0: the snapshot a newest-θ order was resuming is no longer
     * kept. The connection is fine (the coordinator answered), so it is not reset.
     */
    NEWEST(false),
    /** Throw: the same call cannot succeed (the session ended, the credential or request was refused, the snapshot is gone). */
    GIVE_UP(false);

    /** Whether to reconnect now before the next attempt (gRPC's own reconnect backoff would fail it fast). */
    final boolean reconnect;

    PullRetry(boolean reconnect) {
        this.reconnect = reconnect;
    }

    /**
     * The rule for {@code code}; {@code newest} says whether the order names the newest θ (the
     * coordinator answers ABORTED when such an order's snapshot is gone, and the worker may pull the
     * newest again) or one exact snapshot (whose loss ends the pull).
     */
    static PullRetry of(Status.Code code, boolean newest) {
        return switch (code) {
            // The link, the deadline or the coordinator's side of this transfer failed; the snapshot may well still be there.
            case UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED, UNKNOWN, INTERNAL, RESOURCE_EXHAUSTED, ALREADY_EXISTS, OK -> RESUME;
            // Bytes that failed a check (DATA_LOSS), or an offset past the snapshot's end: asking from the same offset gets the same answer.
            case DATA_LOSS, OUT_OF_RANGE -> RESTART;
            case ABORTED -> newest ? NEWEST : GIVE_UP;
            // Session over or snapshot gone (NOT_FOUND), refused credential (UNAUTHENTICATED, PERMISSION_DENIED), a request the
            // coordinator cannot serve (INVALID_ARGUMENT, FAILED_PRECONDITION) or a method it does not have (UNIMPLEMENTED).
            case NOT_FOUND, UNAUTHENTICATED, PERMISSION_DENIED, INVALID_ARGUMENT, FAILED_PRECONDITION, UNIMPLEMENTED -> GIVE_UP;
        };
    }
}
