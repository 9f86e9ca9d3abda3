package org.diloco4j.core.coord;

/** The coordinator's view of one worker. Mutable, owned by {@link Membership}. */
final class Member implements java.io.Serializable {
    enum State {
        /** Admitted, waiting to be included (e.g. a synchronous round already under way). */
        WAITING,
        /** Working on an assignment. */
        TRAINING,
        /** Finished; held during an async grace period so that it restarts from the same θ as others. */
        HELD
    }

    final int id;
    final String name;
    final long generation;
    final long shardTokens;
    /** The shard this worker brought (its own data), or -1. */
    final int ownShard;
    final double joinedAt;
    State state = State.WAITING;
    /** θ version (or, in streaming, nothing meaningful) of the current assignment. */
    long assignedVersion = -1;
    int assignedSteps;
    /** When the current assignment was handed out (the driver's clock). */
    double assignedAt;
    int shard = -1;
    long tokens;
    long steps;
    long contributions;
    long rejected;

    Member(int id, String name, long generation, int ownShard, long shardTokens, double joinedAt) {
        this.id = id;
        this.ownShard = ownShard;
        this.name = name;
        this.generation = generation;
        this.shardTokens = shardTokens;
        this.joinedAt = joinedAt;
    }

    @Override
    public String toString() {
        return name + "#" + id;
    }
}
