package org.diloco4j.core.worker;

import org.diloco4j.core.coord.Payload;

/**
 * What a worker has for one fragment at a sync point: a pseudo-gradient to send, or nothing, with
 * the reason (its trainer diverged). Either way the driver later tells the {@link Replica} how the
 * sync point ended ({@link Replica#settle}).
 */
public sealed interface Outgoing {
    /** The encoded pseudo-gradient. */
    record Send(Payload payload) implements Outgoing {
    }

    /** Nothing is sent: the driver reports that the worker has no contribution, with this reason. */
    record Withheld(String reason) implements Outgoing {
    }
}
