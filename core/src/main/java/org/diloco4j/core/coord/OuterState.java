package org.diloco4j.core.coord;

import org.diloco4j.core.optim.OuterOptimizer;
import org.diloco4j.core.optim.OuterOptimizerConfig;
import org.diloco4j.core.params.Fragment;

import java.util.List;

/**
 * The global parameters θ, split into fragments, each with its own outer optimizer state, and the
 * version counter. In phantom (timing-only) runs θ and the optimizers are absent and updates only
 * advance counters.
 */
final class OuterState {
    private final float[] theta;
    private final List<Fragment> fragments;
    private final OuterOptimizer[] optimizers;
    private final boolean wholeIsOneFragment;
    /** Number of updates applied to θ (any fragment). */
    long version;
    /** Per fragment: outer updates applied to it (the "round" a streaming worker's pseudo-gradient refers to). */
    final long[] rounds;

    OuterState(float[] theta, int size, List<Fragment> fragments, OuterOptimizerConfig outer) {
        this.theta = theta;
        this.fragments = List.copyOf(fragments);
        this.rounds = new long[fragments.size()];
        int covered = 0;
        for (int p = 0; p < fragments.size(); p++) {
            if (fragments.get(p).id() != p) throw new IllegalArgumentException("fragment at index " + p + " has id " + fragments.get(p).id());
            covered += fragments.get(p).size();
        }
        if (covered != size) throw new IllegalArgumentException("fragments cover " + covered + " of " + size + " parameters");
        if (theta != null && theta.length != size) throw new IllegalArgumentException("θ has " + theta.length + " values, layout " + size);
        this.wholeIsOneFragment = fragments.size() == 1;
        this.optimizers = new OuterOptimizer[fragments.size()];
        if (theta != null) {
            for (int p = 0; p < fragments.size(); p++) optimizers[p] = outer.create(fragments.get(p).size());
        }
    }

    boolean phantom() {
        return theta == null;
    }

    int fragmentCount() {
        return fragments.size();
    }

    Fragment fragment(int p) {
        return fragments.get(p);
    }

    /** Applies pseudo-gradient {@code g} (the fragment's dense vector; null in phantom runs) to fragment {@code p}. */
    void apply(int p, float[] g) {
        if (theta != null) {
            if (wholeIsOneFragment) {
                optimizers[0].step(theta, g);
            } else {
                Fragment f = fragments.get(p);
                float[] dense = f.gather(theta);
                optimizers[p].step(dense, g);
                f.scatter(dense, theta);
            }
        }
        rounds[p]++;
        version++;
    }

    /**
     * θ ← θ − g without optimizer state (DDP: the one data-parallel replica is the model, so its
     * pseudo-gradient is applied whole).
     */
    void subtract(float[] g) {
        if (theta != null) {
            for (int i = 0; i < theta.length; i++) theta[i] -= g[i];
        }
        for (int p = 0; p < rounds.length; p++) rounds[p]++;
        version++;
    }

    Snapshot snapshot(int size) {
        return new Snapshot(version, -1, size, theta == null ? null : theta.clone());
    }

    Snapshot fragmentSnapshot(int p) {
        Fragment f = fragments.get(p);
        return new Snapshot(rounds[p], p, f.size(), theta == null ? null : f.gather(theta));
    }

    float[] theta() {
        return theta;
    }

    OuterOptimizer optimizer(int p) {
        return optimizers[p];
    }
}
