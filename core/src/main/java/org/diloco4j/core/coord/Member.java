package org.diloco4j.core.coord;

/** The coordinator's view of one worker. Mutable, owned by {@link Membership}. */
final class Member {
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

    /** Everything the coordinator knows of a member, for a checkpoint (named Saved: {@link State} is the member's phase). */
    record Saved(int id, String name, long generation, long shardTokens, int ownShard, double joinedAt, State state, long assignedVersion,
                 int assignedSteps, double assignedAt, int shard, long tokens, long steps, long contributions, long rejected) {
    }

    Saved saved() {
        return new Saved(id, name, generation, shardTokens, ownShard, joinedAt, state, assignedVersion, assignedSteps, assignedAt, shard,
                tokens, steps, contributions, rejected);
    }

    static Member restore(Saved s) {
        Member m = new Member(s.id(), s.name(), s.generation(), s.ownShard(), s.shardTokens(), s.joinedAt());
        m.state = s.state();
        m.assignedVersion = s.assignedVersion();
        m.assignedSteps = s.assignedSteps();
        m.assignedAt = s.assignedAt();
        m.shard = s.shard();
        m.tokens = s.tokens();
        m.steps = s.steps();
        m.contributions = s.contributions();
        m.rejected = s.rejected();
        return m;
    }

    @Override
    public String toString() {
        return name + "#" + id;
    }
}
