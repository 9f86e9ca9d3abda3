package org.diloco4j.core.agg;

import java.util.Locale;

/**
 * How pseudo-gradients are weighted, as written in a run config.
 *
 * @param base           {@code uniform} (1/k) or {@code shard-size} (|D_i| / Σ|D_j|)
 * @param stalenessDecay a ≥ 0: multiply by {@code (1 + staleness)^-a}; 0 for no decay (0.5: the inverse square root)
 * @param maxStaleness   drop contributions with staleness above this; −1 for no limit
 */
public record WeightingConfig(String base, double stalenessDecay, long maxStaleness) {
    public static final String UNIFORM = "uniform";
    public static final String SHARD_SIZE = "shard-size";

    public WeightingConfig {
        base = base == null ? "" : base.trim().toLowerCase(Locale.ROOT);
        if (!base.equals(UNIFORM) && !base.equals(SHARD_SIZE)) {
            throw new IllegalArgumentException("aggregation.weights = '" + base + "' is invalid; allowed: uniform, shard-size");
        }
        if (!(stalenessDecay >= 0) || Double.isInfinite(stalenessDecay)) {
            throw new IllegalArgumentException("outer.staleness_decay = " + stalenessDecay
                    + " is invalid: must be a finite exponent >= 0 (0 = no decay, 0.5 = (1 + staleness)^-1/2)");
        }
        if (maxStaleness < -1) {
            throw new IllegalArgumentException("aggregation.max-staleness = " + maxStaleness + " is invalid: must be >= 0, or -1 for no limit");
        }
    }

    /** Uniform weights, no staleness rules (synchronous DiLoCo with iid shards). */
    public static WeightingConfig uniform() {
        return new WeightingConfig(UNIFORM, 0, -1);
    }

    public WeightPolicy policy() {
        WeightPolicy p = base.equals(UNIFORM) ? WeightPolicy.uniform() : WeightPolicy.shardSize();
        if (stalenessDecay > 0) p = p.decayByStaleness(stalenessDecay);
        if (maxStaleness >= 0) p = p.dropIfStalerThan(maxStaleness);
        return p;
    }
}
