package org.diloco4j.core.coord;

import java.util.List;
import org.diloco4j.core.optim.OptimizerState;
import org.diloco4j.core.optim.OuterOptimizerConfig;
import org.diloco4j.core.params.Fragment;
import org.diloco4j.core.params.FragmentPlan;
import org.diloco4j.core.params.VectorOps;
import org.diloco4j.core.stream.FragmentOptimizers;

/**
 * The global parameters θ, split into fragments, each with its own outer optimizer state, and the
 * version counter. In phantom (timing-only) runs θ and the optimizers are absent and updates only
 * advance counters.
 */
final class OuterState {
    private final float[] theta;
    private final FragmentPlan plan;
    private final FragmentOptimizers optimizers;
    /** Number of updates applied to θ (any fragment). */
    long version;
    /** Per fragment: outer updates applied to it (the "round" a streaming worker's pseudo-gradient refers to). */
    final long[] rounds;

    OuterState(float[] theta, FragmentPlan plan, OuterOptimizerConfig outer) {
        if (theta != null) VectorOps.requireLength("global θ", "initial values", theta, plan.totalSize());
        this.theta = theta;
        this.plan = plan;
        this.rounds = new long[plan.count()];
        this.optimizers = theta == null ? null : new FragmentOptimizers(plan, outer);
    }

    boolean phantom() {
        return theta == null;
    }

    int fragmentCount() {
        return plan.count();
    }

    Fragment fragment(int p) {
        return plan.fragment(p);
    }

    FragmentPlan plan() {
        return plan;
    }

    /** Applies pseudo-gradient {@code g} (the fragment's dense vector; null in phantom runs) to fragment {@code p}. */
    void apply(int p, float[] g) {
        if (theta != null) optimizers.step(p, theta, g);
        rounds[p]++;
        version++;
    }

    /**
     * θ ← θ − g without optimizer state (DDP: the one data-parallel replica is the model, so its
     * pseudo-gradient is applied whole).
     */
    void subtract(float[] g) {
        if (theta != null) VectorOps.axpy(-1f, g, theta);
        for (int p = 0; p < rounds.length; p++) rounds[p]++;
        version++;
    }

    Snapshot snapshot() {
        return new Snapshot(version, -1, plan.totalSize(), theta == null ? null : theta.clone());
    }

    Snapshot fragmentSnapshot(int p) {
        Fragment f = plan.fragment(p);
        return new Snapshot(rounds[p], p, f.size(), theta == null ? null : f.gather(theta));
    }

    float[] theta() {
        return theta;
    }

    FragmentOptimizers optimizers() {
        return optimizers;
    }

    /** @param theta null in phantom runs, as are {@code optimizers} */
    record State(float[] theta, long version, long[] rounds, List<OptimizerState> optimizers) {
    }

    State state() {
        return new State(theta == null ? null : theta.clone(), version, rounds.clone(), optimizers == null ? null : optimizers.states());
    }

    void restore(State s) {
        if ((s.theta() == null) != phantom()) throw new IllegalArgumentException("checkpoint and run disagree on whether the run is timing-only");
        if (s.rounds().length != rounds.length) {
            throw new IllegalArgumentException("checkpoint has " + s.rounds().length + " fragments, the run " + rounds.length);
        }
        if (theta != null) {
            VectorOps.requireLength("checkpoint", "θ", s.theta(), theta.length);
            System.arraycopy(s.theta(), 0, theta, 0, theta.length);
            optimizers.restore(s.optimizers());
        }
        version = s.version();
        System.arraycopy(s.rounds(), 0, rounds, 0, rounds.length);
    }
}
