package org.diloco4j.core.agg;

import java.util.Locale;

/** Scales the base weight by {@code (1 + staleness)^-1/2}: a contribution computed on an older θ counts less. */
public final class StalenessDecay implements WeightPolicy {
    private final WeightPolicy base;

    public StalenessDecay(WeightPolicy base) {
        this.base = base;
    }

    /** {@code (1 + s)^-1/2}. */
    public static double factor(long staleness) {
        if (staleness < 0) throw new IllegalArgumentException("staleness must be >= 0, got " + staleness);
        return 1 / Math.sqrt(1.0 + staleness);
    }

    @Override
    public WeightDecision weigh(Contribution c) {
        WeightDecision d = base.weigh(c);
        if (!d.included() || c.staleness() == 0) return d;
        double f = factor(c.staleness());
        return WeightDecision.include(d.weight() * f,
                d.reason() + String.format(Locale.ROOT, " × (1+%d)^-1/2 = %.4g for staleness", c.staleness(), f));
    }

    @Override
    public String describe() {
        return base.describe() + " × (1+staleness)^-1/2";
    }
}
