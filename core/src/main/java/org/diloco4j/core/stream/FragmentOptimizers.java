package org.diloco4j.core.stream;

import java.util.ArrayList;
import java.util.List;
import org.diloco4j.core.optim.OptimizerState;
import org.diloco4j.core.optim.OuterOptimizer;
import org.diloco4j.core.optim.OuterOptimizerConfig;
import org.diloco4j.core.optim.StepKernel;
import org.diloco4j.core.params.Fragment;
import org.diloco4j.core.params.FragmentPlan;
import org.diloco4j.core.params.Range;
import org.diloco4j.core.params.VectorOps;

/**
 * One outer optimizer per fragment (Streaming DiLoCo keeps outer Nesterov state per fragment):
 * each fragment's momentum advances only when that fragment syncs.
 */
public final class FragmentOptimizers {
    private final FragmentPlan plan;
    private final List<OuterOptimizer> optimizers = new ArrayList<>();
    public FragmentOptimizers(FragmentPlan plan, OuterOptimizerConfig config) {
        this.plan = plan;
        for (Fragment f : plan.fragments()) optimizers.add(config.create(f.arraySize()));
    }

    /**
     * Optimizers continuing from {@code states} (by fragment id) whose buffers are the states' own arrays
     * ({@link OuterOptimizerConfig#adopt}): for states read from a checkpoint that nothing else uses.
     */
    public FragmentOptimizers(FragmentPlan plan, OuterOptimizerConfig config, List<OptimizerState> states) {
        this.plan = plan;
        fragments(states, plan.count());
        for (int p = 0; p < states.size(); p++) optimizers.add(config.adopt(plan.fragment(p).arraySize(), states.get(p)));
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
        VectorOps.requireLength("outer step on fragment " + fragment, "theta", theta, plan.arraySize());
        VectorOps.requireLength("outer step on fragment " + fragment, "g", g, f.arraySize());
        // In place, range by range: the step is elementwise (StepKernel), so this is the dense
        // vector's step bit for bit, without gathering the fragment into a copy (which at 1B
        // parameters, one fragment being all of θ, would be another 4 GB).
        OuterOptimizer o = optimizers.get(fragment);
        StepKernel k = o.begin();
        int off = 0;
        for (Range r : f.ranges()) {
            k.apply(theta, r.arrayStart(), g, off, off, r.arrayLength());
            off += r.arrayLength();
        }
        o.commit();
    }

    /** Every fragment's state, by fragment id (deep copies). */
    public List<OptimizerState> states() {
        List<OptimizerState> s = new ArrayList<>();
        for (OuterOptimizer o : optimizers) s.add(o.state());
        return s;
    }

    /** Every fragment's state sharing the optimizers' buffers ({@link OuterOptimizer#view()}): valid until the next step or restore. */
    public List<OptimizerState> views() {
        List<OptimizerState> s = new ArrayList<>();
        for (OuterOptimizer o : optimizers) s.add(o.view());
        return s;
    }

    public void restore(List<OptimizerState> states) {
        fragments(states, optimizers.size());
        for (int p = 0; p < states.size(); p++) optimizers.get(p).restore(states.get(p));
    }

    private static void fragments(List<OptimizerState> states, int count) {
        if (states.size() != count) {
            throw new IllegalArgumentException("checkpoint has optimizer states for " + states.size() + " fragments, plan has " + count);
        }
    }
}
