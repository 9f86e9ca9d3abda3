package org.diloco4j.core.coord;

import java.util.HashMap;
import java.util.Map;

/**
 * Picks the data shard of each assignment. With {@link DataShards.Assignment#LEAST_SAMPLED} a free
 * worker takes the shard with the lowest (tokens consumed or in flight) / size, so that shards are
 * sampled in proportion to their size whatever the speeds of the workers that happen to be free.
 */
final class ShardChooser {
    private final DataShards plan;
    private final double[] consumed;
    /** member → {shard, tokens estimated in flight}. */
    private final Map<Integer, double[]> inFlight = new HashMap<>();
    /** Tokens per step as the members' accepted reports give them (checked against the configured figure when there is one). */
    private double tokensPerStep;

    ShardChooser(DataShards plan) {
        this.plan = plan;
        this.consumed = new double[plan.count()];
    }

    /** The shard member {@code m} (which brought shard {@code own}, or -1) trains on next for {@code steps} steps. */
    int choose(Member m, int own, int steps) {
        if (plan.assignment() == DataShards.Assignment.OWN || plan.count() == 0) {
            if (plan.count() == 0) return own;
            return own >= 0 ? own % plan.count() : m.id % plan.count();
        }
        int best = 0;
        double bestRatio = Double.MAX_VALUE;
        for (int s = 0; s < consumed.length; s++) {
            double r = consumed[s] / plan.size(s);
            if (r < bestRatio) {
                bestRatio = r;
                best = s;
            }
        }
        // Until a report tells the real rate, count one token per step: only relative order matters.
        double est = steps * (tokensPerStep > 0 ? tokensPerStep : 1.0);
        consumed[best] += est;
        inFlight.put(m.id, new double[] {best, est});
        return best;
    }

    /** The member's assignment ended having consumed {@code tokens} in {@code steps} steps (0 if nothing arrived). */
    void finished(Member m, long tokens, int steps) {
        double[] f = inFlight.remove(m.id);
        if (f != null) consumed[(int) f[0]] += tokens - f[1];
        if (steps > 0 && tokens > 0) tokensPerStep = (double) tokens / steps;
    }

    double[] consumed() {
        return consumed.clone();
    }

    record State(double[] consumed, Map<Integer, double[]> inFlight, double tokensPerStep) {
    }

    State state() {
        Map<Integer, double[]> f = new java.util.TreeMap<>();
        inFlight.forEach((k, v) -> f.put(k, v.clone()));
        return new State(consumed.clone(), f, tokensPerStep);
    }

    void restore(State s) {
        if (s.consumed().length != consumed.length) {
            throw new IllegalArgumentException("checkpoint has " + s.consumed().length + " shards, the run " + consumed.length);
        }
        System.arraycopy(s.consumed(), 0, consumed, 0, consumed.length);
        inFlight.clear();
        s.inFlight().forEach((k, v) -> inFlight.put(k, v.clone()));
        tokensPerStep = s.tokensPerStep();
    }
}
