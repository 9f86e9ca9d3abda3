package org.diloco4j.core.agg;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.diloco4j.core.params.VectorOps;

/**
 * Streaming weighted mean of pseudo-gradients, {@code Δ = Σ w_i δ_i / Σ w_i}: contributions are
 * added one at a time into a single fp32 accumulator, so the coordinator holds one vector, not k.
 * A {@link WeightPolicy} decides each weight or drops the contribution with a reason; a
 * pseudo-gradient containing NaN or ±Inf, or a second one from the same member, is dropped too.
 *
 * <p>Not thread-safe: one coordinator thread feeds it. After {@link #finish} it is empty again.
 */
public final class WeightedMean {
    private final int size;
    private final WeightPolicy policy;
    /** Σ w_i δ_i, length {@code size}; holds nothing meaningful while {@code included} is empty. */
    private final float[] acc;
    private final List<Pending> included = new ArrayList<>();
    private final List<AggregationReport.Entry> dropped = new ArrayList<>();
    private final Set<Integer> members = new HashSet<>();
    private double totalWeight;

    record Pending(Contribution c, double weight, String reason) {
    }

    public WeightedMean(int size, WeightPolicy policy) {
        if (size < 0) throw new IllegalArgumentException("aggregate size must be >= 0, got " + size);
        this.size = size;
        this.policy = policy;
        this.acc = new float[size];
    }

    public int size() {
        return size;
    }

    public WeightPolicy policy() {
        return policy;
    }

    /**
     * Weighs {@code delta} and, if included, adds {@code w·delta} to the accumulator.
     *
     * @param delta pseudo-gradient of length {@link #size()}, not modified or retained
     * @return the decision, with the reason if dropped
     */
    public WeightDecision add(Contribution c, float[] delta) {
        VectorOps.requireLength("aggregate member " + c.member(), "pseudo-gradient", delta, size);
        WeightDecision d;
        if (members.contains(c.member())) {
            d = WeightDecision.drop(DropCause.DUPLICATE, "member " + c.member() + " already contributed to this aggregate");
        } else {
            int bad = VectorOps.countNonFinite(delta);
            d = bad > 0
                    ? WeightDecision.drop(DropCause.NON_FINITE, "member " + c.member() + " sent a pseudo-gradient with " + bad + " NaN/Inf values")
                    : policy.weigh(c);
        }
        if (!d.included()) {
            dropped.add(new AggregationReport.Entry(c, 0, 0, d.reason(), d.cause()));
            return d;
        }
        // The weight actually applied is the fp32 one; the normalization uses the same values.
        float w = (float) d.weight();
        if (!(w > 0) || Float.isInfinite(w)) {
            d = WeightDecision.drop(DropCause.WEIGHT_NOT_REPRESENTABLE, "member " + c.member() + " weight " + d.weight() + " is not representable in fp32");
            dropped.add(new AggregationReport.Entry(c, 0, 0, d.reason(), d.cause()));
            return d;
        }
        if (included.isEmpty()) {
            if (w == 1f) System.arraycopy(delta, 0, acc, 0, size);
            else VectorOps.scale(w, delta, acc);
        } else {
            VectorOps.accumulate(acc, w, delta);
        }
        included.add(new Pending(c, w, d.reason()));
        members.add(c.member());
        totalWeight += w;
        return d;
    }

    /** Contributions included so far. */
    public int includedCount() {
        return included.size();
    }

    public double totalWeight() {
        return totalWeight;
    }

    /** What has been included and dropped so far, without finishing. */
    public AggregationReport report() {
        List<AggregationReport.Entry> inc = new ArrayList<>();
        for (Pending p : included) inc.add(new AggregationReport.Entry(p.c, p.weight, p.weight / totalWeight, p.reason, null));
        return new AggregationReport(inc, dropped, totalWeight);
    }

    /**
     * Writes the weighted mean into {@code out} and empties the accumulator.
     *
     * @throws IllegalStateException if nothing was included: applying a zero (or stale) update
     *                               would still move θ through momentum, so the caller must skip the outer step
     */
    public AggregationReport finish(float[] out) {
        VectorOps.requireLength("aggregate", "out", out, size);
        AggregationReport r = report();
        if (included.isEmpty()) {
            throw new IllegalStateException("no pseudo-gradient to aggregate: " + r.summary());
        }
        float total = (float) totalWeight;
        for (int i = 0; i < size; i++) out[i] = acc[i] / total;
        reset();
        return r;
    }

    /** What a checkpoint keeps of an aggregate under way; {@code acc} is Σ w_i δ_i. */
    public record State(float[] acc, List<Pending> included, List<AggregationReport.Entry> dropped, List<Integer> members, double totalWeight) {
    }

    public State state() {
        return new State(acc.clone(), List.copyOf(included), List.copyOf(dropped), new ArrayList<>(new java.util.TreeSet<>(members)), totalWeight);
    }

    public void restore(State s) {
        VectorOps.requireLength("checkpoint", "aggregate", s.acc(), size);
        System.arraycopy(s.acc(), 0, acc, 0, size);
        reset();
        included.addAll(s.included());
        dropped.addAll(s.dropped());
        members.addAll(s.members());
        totalWeight = s.totalWeight();
    }

    /** Forgets everything added since the last finish (e.g. a round that was abandoned). */
    public void reset() {
        included.clear();
        dropped.clear();
        members.clear();
        totalWeight = 0;
    }
}
