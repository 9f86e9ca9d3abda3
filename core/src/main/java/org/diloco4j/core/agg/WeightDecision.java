package org.diloco4j.core.agg;

/**
 * Whether a contribution counts, with what (unnormalized) weight, and why.
 *
 * @param included false if the contribution is dropped
 * @param weight   unnormalized weight, &gt; 0 when included, 0 when dropped
 * @param reason   human-readable explanation, logged with every aggregate
 * @param cause    why it was dropped; null when included
 */
public record WeightDecision(boolean included, double weight, String reason, DropCause cause) {
    public WeightDecision {
        if (reason == null || reason.isBlank()) throw new IllegalArgumentException("a weight decision needs a reason");
        if (included != (cause == null)) throw new IllegalArgumentException("a dropped contribution, and only one, has a drop cause (" + reason + ")");
        if (included && !(weight > 0 && Double.isFinite(weight))) {
            throw new IllegalArgumentException("an included contribution needs a finite weight > 0, got " + weight + " (" + reason + ")");
        }
        if (!included && weight != 0) throw new IllegalArgumentException("a dropped contribution has weight 0, got " + weight);
    }

    public static WeightDecision include(double weight, String reason) {
        return new WeightDecision(true, weight, reason, null);
    }

    public static WeightDecision drop(DropCause cause, String reason) {
        return new WeightDecision(false, 0, reason, cause);
    }
}
