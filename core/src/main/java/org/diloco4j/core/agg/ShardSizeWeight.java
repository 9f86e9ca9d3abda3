package org.diloco4j.core.agg;

/** Weight |D_i|: after normalization, |D_i| / Σ|D_j| over the included workers. */
final class ShardSizeWeight implements WeightPolicy {
    static final ShardSizeWeight INSTANCE = new ShardSizeWeight();

    private ShardSizeWeight() {
    }

    @Override
    public WeightDecision weigh(Contribution c) {
        if (c.shardTokens() == 0) {
            return WeightDecision.drop(DropCause.NO_SHARD_SIZE, "member " + c.member() + " reported no shard size, so it has no shard-size weight");
        }
        return WeightDecision.include(c.shardTokens(), "shard size " + c.shardTokens() + " tokens");
    }

    @Override
    public String describe() {
        return "shard-size";
    }

    /** Keeps the singleton a singleton when a checkpoint is read. */
    private Object readResolve() {
        return INSTANCE;
    }
}
