package org.diloco4j.core.agg;

/**
 * What the aggregator knows about one pseudo-gradient besides its values.
 *
 * @param member      the worker's member id
 * @param shardTokens size of the worker's data shard |D_i| (tokens; 0 if unknown)
 * @param staleness   how many outer updates θ received since the version this worker started from
 */
public record Contribution(int member, long shardTokens, long staleness) {
    public Contribution {
        if (shardTokens < 0) throw new IllegalArgumentException("member " + member + ": shard size must be >= 0, got " + shardTokens);
        if (staleness < 0) throw new IllegalArgumentException("member " + member + ": staleness must be >= 0, got " + staleness);
    }

    /** A fresh contribution (staleness 0) of unknown shard size. */
    public static Contribution of(int member) {
        return new Contribution(member, 0, 0);
    }
}
