package org.diloco4j.core.agg;

/** Drops contributions whose staleness exceeds a bound S; the others keep the base policy's weight. */
public final class DropIfStale implements WeightPolicy {
    private final WeightPolicy base;
    private final long maxStaleness;

    public DropIfStale(WeightPolicy base, long maxStaleness) {
        if (maxStaleness < 0) throw new IllegalArgumentException("max staleness must be >= 0, got " + maxStaleness);
        this.base = base;
        this.maxStaleness = maxStaleness;
    }

    public long maxStaleness() {
        return maxStaleness;
    }

    @Override
    public WeightDecision weigh(Contribution c) {
        if (c.staleness() > maxStaleness) {
            return WeightDecision.drop(DropCause.STALE, "member " + c.member() + " is too stale: staleness " + c.staleness() + " > max " + maxStaleness);
        }
        return base.weigh(c);
    }

    @Override
    public String describe() {
        return base.describe() + ", drop if staleness > " + maxStaleness;
    }
}
