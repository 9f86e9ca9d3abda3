package org.diloco4j.core.stream;

import java.util.ArrayList;
import java.util.List;
import org.diloco4j.core.optim.ChunkedOptimizer;
import org.diloco4j.core.optim.OptimizerState;
import org.diloco4j.core.optim.OuterOptimizer;
import org.diloco4j.core.optim.OuterOptimizerConfig;
import org.diloco4j.core.optim.StepKernel;
import org.diloco4j.core.params.Fragment;
import org.diloco4j.core.params.FragmentPlan;
import org.diloco4j.core.params.Fp32Vector;
import org.diloco4j.core.params.Range;
import org.diloco4j.core.params.VectorOps;

/**
 * One outer optimizer per fragment (Streaming DiLoCo keeps outer Nesterov state per fragment):
 * each fragment's momentum advances only when that fragment syncs. θ is a chunked vector
 * ({@link Fp32Vector}) and each fragment's buffers are chunked with the same shift
 * ({@link ChunkedOptimizer}), so no array is longer than a chunk; with θ in one array
 * ({@link Fp32Vector#ONE_ARRAY_SHIFT}) each fragment's optimizer is the plain one.
 */
public final class FragmentOptimizers {
    private final FragmentPlan plan;
    private final List<OuterOptimizer> optimizers = new ArrayList<>();

    /** For θ held in one array. */
    public FragmentOptimizers(FragmentPlan plan, OuterOptimizerConfig config) {
        this(plan, config, Fp32Vector.ONE_ARRAY_SHIFT);
    }

    /** For θ in chunks of 2^{@code shift}: each fragment's buffers in chunks of that size too. */
    public FragmentOptimizers(FragmentPlan plan, OuterOptimizerConfig config, int shift) {
        this.plan = plan;
        for (Fragment f : plan.fragments()) optimizers.add(ChunkedOptimizer.create(config, f.arraySize(), shift));
    }

    /**
     * Optimizers continuing from {@code states} (by fragment id) whose buffers are the states' own arrays
     * ({@link OuterOptimizerConfig#adopt}): for states read from a checkpoint that nothing else uses.
     */
    public FragmentOptimizers(FragmentPlan plan, OuterOptimizerConfig config, List<OptimizerState> states) {
        this(plan, config, states, Fp32Vector.ONE_ARRAY_SHIFT);
    }

    /** As above, for θ in chunks of 2^{@code shift}: the states' buffers held as they are ({@link ChunkedOptimizer#adopt}). */
    public FragmentOptimizers(FragmentPlan plan, OuterOptimizerConfig config, List<OptimizerState> states, int shift) {
        this.plan = plan;
        fragments(states, plan.count());
        for (int p = 0; p < states.size(); p++) optimizers.add(ChunkedOptimizer.adopt(config, plan.fragment(p).arraySize(), shift, states.get(p)));
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
        step(fragment, Fp32Vector.wrap(theta), g);
    }

    /** {@link #step(int, float[], float[])} on a chunked θ: each of the fragment's ranges stepped piece by piece, chunk by chunk. */
    public void step(int fragment, Fp32Vector theta, float[] g) {
        Fragment f = plan.fragment(fragment);
        theta.requireSize("outer step on fragment " + fragment, "theta", plan.totalSize());
        VectorOps.requireLength("outer step on fragment " + fragment, "g", g, f.arraySize());
        // In place, range by range: the step is elementwise (StepKernel), so this is the dense
        // vector's step bit for bit, without gathering the fragment into a copy (which at 1B
        // parameters, one fragment being all of θ, would be another 4 GB).
        OuterOptimizer o = optimizers.get(fragment);
        StepKernel k = o.begin();
        int off = 0;
        for (Range r : f.ranges()) {
            for (Fp32Vector.Piece c : theta.pieces(r)) {
                k.apply(theta.chunk(c.chunk()), c.offset(), g, off, off, c.length());
                off += c.length();
            }
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
