package org.diloco4j.core.coord;

/**
 * What a driver tells the coordinator. Every event carries the driver's clock reading {@code time}
 * (virtual seconds in the simulator, wall seconds since start in the network runtime): the
 * coordinator never reads a clock itself, it only compares times it was given.
 */
public sealed interface Event {
    double time();

    /**
     * A worker asks to join.
     *
     * @param name        display name, for logs and reports
     * @param shard       the data shard this worker holds (its own data), or -1 to be given one
     * @param shardTokens size of that data, for shard-size weighting; 0 if unknown
     */
    record Join(String name, int shard, long shardTokens, double time) implements Event {
    }

    /**
     * A worker finished its assignment and sends a pseudo-gradient {@code δ = θ_start − θ_i} for
     * one fragment (the whole model when there is one fragment).
     *
     * @param member         member id from {@link Command.Welcome}
     * @param generation     the member's generation; stale generations are fenced off
     * @param assignment     the id of the {@link Assignment} this push answers (from the train order or,
     *                       streaming, the fragment order that opened its slot)
     * @param baseVersion    version of θ the worker started from
     * @param fragment       fragment id
     * @param steps          inner steps done
     * @param tokens         tokens consumed
     * @param computeSeconds seconds spent computing those steps (for speed estimates)
     * @param payload        the encoded pseudo-gradient, as it crossed the network
     */
    record Delta(int member, long generation, long assignment, long baseVersion, int fragment, int steps, long tokens,
                 double computeSeconds, Payload payload, double time) implements Event {
    }

    /**
     * A worker's pseudo-gradient was lost in transit: it has nothing to contribute for its last
     * assignment {@code assignment} (for fragment {@code fragment} in streaming mode; 0 otherwise).
     * A notice for an assignment that is not outstanding changes nothing.
     */
    record Idle(int member, long generation, long assignment, int fragment, String reason, double time) implements Event {
    }

    /**
     * The driver served {@code member} θ at {@code version} for its asynchronous assignment
     * {@code assignment}, newer than the train order named: a driver that keeps few encoded
     * snapshots of θ gives a worker the newest one it has at pull time (the network runtime). The
     * assignment's base version moves forward to {@code version} (never back; asynchronous methods
     * only: synchronous rounds and streaming fragments need the exact θ they named), so the push
     * that answers it, from {@code version}, is matched and weighted by the θ the worker started
     * from. A notice that names no outstanding assignment, or no newer version, changes nothing.
     */
    record Served(int member, long generation, long assignment, long version, double time) implements Event {
    }

    /** The driver declares a worker gone (missed heartbeats, crashed process, broken stream). */
    record Lost(int member, String reason, double time) implements Event {
    }

    /** A worker leaves on purpose. */
    record Leave(int member, double time) implements Event {
    }

    /** A timer the coordinator asked for with {@link Command.SetTimer} fired. */
    record Timer(String key, double time) implements Event {
    }
}
