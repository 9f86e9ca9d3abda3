package org.diloco4j.net.worker;

import org.diloco4j.net.proto.Order;
import org.diloco4j.net.proto.SessionRef;


/**
 * One admission to the run as the training thread sees it: the signals that reach it (orders,
 * fetched fragments, trouble) and what they mean for the session. Heartbeats and the order
 * subscription run behind it. {@link GrpcSession} is the real one; tests use a queue of signals ({@link QueuedSession}).
 */
interface WorkerSession {
    /** The member id, generation and key the coordinator gave this session. */
    SessionRef ref();

    /** The next signal, waiting up to {@code millis}; null on timeout or interruption. */
    Signal next(long millis);

    /** Adds a signal from another thread (a push that found the session gone, a fetched fragment). */
    void post(Signal s);

    /** Handles an order that is not work (reject, evict, stop): how the session ends, or null to carry on. */
    Ending control(Order o);

    /** Handles trouble: an ending, or null once resubscribed. */
    Ending broken(Signal.Broken b);

    /** Takes a queued stop, eviction or lost session out of order (they pre-empt work), or the process leaving; null if none. */
    Ending urgent();

    /** Whether the session has ended (its transfers should give up). */
    boolean closed();
}
