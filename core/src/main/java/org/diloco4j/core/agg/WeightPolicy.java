package org.diloco4j.core.agg;

/**
 * Decides each contribution's weight in a weighted mean of pseudo-gradients, or that it is dropped.
 * Weights are unnormalized: the aggregate divides by the sum of the included weights, so uniform
 * weight 1 gives 1/k and shard-size weight |D_i| gives |D_i| / Σ|D_j| over the included workers.
 */
public interface WeightPolicy {
    WeightDecision weigh(Contribution c);

    /** Short description for logs, e.g. {@code shard-size × (1+staleness)^-0.5, drop if staleness > 4}. */
    String describe();

    /** Every contribution counts equally (DiLoCo with iid shards). */
    static WeightPolicy uniform() {
        return UniformWeight.INSTANCE;
    }

    /** Weight |D_i|, the worker's shard size (DiLoCo with non-iid shards). */
    static WeightPolicy shardSize() {
        return ShardSizeWeight.INSTANCE;
    }

    /** This policy's weight times {@code (1 + staleness)^-exponent} (exponent &gt; 0). */
    default WeightPolicy decayByStaleness(double exponent) {
        return new StalenessDecay(this, exponent);
    }

    /** This policy, but contributions with staleness &gt; {@code maxStaleness} are dropped. */
    default WeightPolicy dropIfStalerThan(long maxStaleness) {
        return new DropIfStale(this, maxStaleness);
    }
}
