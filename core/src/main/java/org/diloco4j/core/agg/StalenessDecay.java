package org.diloco4j.core.agg;

import java.util.Locale;

/**
 * Scales the base weight by {@code (1 + staleness)^-a}: a contribution computed on an older θ
 * counts less. a = 0.5 is the inverse square root the asynchronous DiLoCo paper lists as a
 * baseline; a = 0 would be no decay (callers leave the policy out instead).
 */
public final class StalenessDecay implements WeightPolicy {
    private final WeightPolicy base;
    private final double exponent;

    /** @param exponent a &gt; 0, finite */
    public StalenessDecay(WeightPolicy base, double exponent) {
        if (!(exponent > 0) || Double.isInfinite(exponent)) {
            throw new IllegalArgumentException("staleness decay exponent must be a finite number > 0, got " + exponent);
        }
        this.base = base;
        this.exponent = exponent;
    }

    /** {@code (1 + s)^-a}. */
    public static double factor(long staleness, double exponent) {
        if (staleness < 0) throw new IllegalArgumentException("staleness must be >= 0, got " + staleness);
        return Math.pow(1.0 + staleness, -exponent);
    }

    public double exponent() {
        return exponent;
    }

    @Override
    public WeightDecision weigh(Contribution c) {
        WeightDecision d = base.weigh(c);
        if (!d.included() || c.staleness() == 0) return d;
        double f = factor(c.staleness(), exponent);
        return WeightDecision.include(d.weight() * f,
                d.reason() + String.format(Locale.ROOT, " × (1+%d)^-%s = %.4g for staleness", c.staleness(), fmt(exponent), f));
    }

    @Override
    public String describe() {
        return base.describe() + " × (1+staleness)^-" + fmt(exponent);
    }

    /** 0.5 as "0.5", 1 as "1": the exponent as it was written. */
    static String fmt(double a) {
        return java.math.BigDecimal.valueOf(a).stripTrailingZeros().toPlainString();
    }
}
