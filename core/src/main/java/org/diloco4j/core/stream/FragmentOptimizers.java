package org.diloco4j.core.stream;

import java.util.ArrayList;
import java.util.List;
import org.diloco4j.core.optim.OptimizerState;
import org.diloco4j.core.optim.OuterOptimizer;
import org.diloco4j.core.optim.OuterOptimizerConfig;
import org.diloco4j.core.params.Fragment;
import org.diloco4j.core.params.FragmentPlan;
import org.diloco4j.core.params.VectorOps;

/**
 * One outer optimizer per fragment (Streaming DiLoCo keeps outer Nesterov state per fragment):
 * each fragment's momentum advances only when that fragment syncs.
 */
public final class FragmentOptimizers {
    private final FragmentPlan plan;
    private final List<OuterOptimizer> optimizers = new ArrayList<>();
    /** Scratch for the fragment's dense θ, sized for the largest fragment. */
    private final float[] scratch;

    public FragmentOptimizers(FragmentPlan plan, OuterOptimizerConfig config) {
        this.plan = plan;
        for (Fragment f : plan.fragments()) optimizers.add(config.create(f.size()));
        this.scratch = new float[plan.maxFragmentSize()];
    }

    public FragmentPlan plan() {
        return plan;
    }

    public OuterOptimizer optimizer(int fragment) {
        plan.fragment(fragment);
        return optimizers.get(fragment);
    }

    /**
     * Applies fragment {@code p}'s aggregated pseudo-gradient to the full global θ.
     *
     * @param theta full global parameters, updated on the fragment's ranges only
     * @param g     the fragment's pseudo-gradient, dense (length {@code plan.fragment(p).size()})
     */
    public void step(int fragment, float[] theta, float[] g) {
        Fragment f = plan.fragment(fragment);
        VectorOps.requireLength("outer step on fragment " + fragment, "theta", theta, plan.totalSize());
        VectorOps.requireLength("outer step on fragment " + fragment, "g", g, f.size());
        if (f.ranges().size() == 1 && f.size() == theta.length) {
            optimizers.get(fragment).step(theta, g);
            return;
        }
        float[] dense = f.size() == scratch.length ? scratch : new float[f.size()];
        f.gather(theta, dense);
        optimizers.get(fragment).step(dense, g);
        f.scatter(dense, theta);
    }

    /** Every fragment's state, by fragment id (deep copies). */
    public List<OptimizerState> states() {
        List<OptimizerState> s = new ArrayList<>();
        for (OuterOptimizer o : optimizers) s.add(o.state());
        return s;
    }

    public void restore(List<OptimizerState> states) {
        if (states.size() != optimizers.size()) {
            throw new IllegalArgumentException("checkpoint has optimizer states for " + states.size() + " fragments, plan has " + optimizers.size());
        }
        for (int p = 0; p < states.size(); p++) optimizers.get(p).restore(states.get(p));
    }
}
