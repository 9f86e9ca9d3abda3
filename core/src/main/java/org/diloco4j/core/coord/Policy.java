package org.diloco4j.core.coord;

/** One protocol's reactions to events; shared bookkeeping and validation live in {@link Coordinator}. */
abstract class Policy {
    final Coordinator c;
    final CoordinatorConfig cfg;
    final ShardChooser shards;

    Policy(Coordinator c) {
        this.c = c;
        this.cfg = c.config();
        this.shards = new ShardChooser(cfg.shards());
    }

    abstract void onJoin(Member m);

    /** An accepted pseudo-gradient; {@code g} is the decoded dense vector of its fragment (null in phantom runs). */
    abstract void onDelta(Member m, Event.Delta d, float[] g);

    /** The member's last assignment (of {@code fragment}, in streaming) produced nothing: message lost. */
    abstract void onIdle(Member m, int fragment);

    /** The member is gone (lost or left); it is already removed from the membership. */
    abstract void onGone(Member m);

    /** The member's pseudo-gradient was rejected; θ is unchanged. */
    abstract void onRejected(Member m, int fragment);

    abstract void onTimer(String key);

    /** Aggregation weight of a member's contribution before normalisation. */
    double shardWeight(Member m) {
        if (cfg.weighting() == CoordinatorConfig.Weighting.UNIFORM) return 1.0;
        long size = m.shard >= 0 && m.shard < cfg.shards().count() ? cfg.shards().size(m.shard) : m.shardTokens;
        return size > 0 ? size : 1.0;
    }
}
