package org.diloco4j.core.coord;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import org.diloco4j.core.ingest.StreamedDelta;
import org.diloco4j.core.optim.OuterOptimizer;
import org.diloco4j.core.optim.OptimizerState;
import org.diloco4j.core.optim.OuterOptimizerConfig;
import org.diloco4j.core.optim.StepKernel;
import org.diloco4j.core.params.Fragment;
import org.diloco4j.core.params.FragmentPlan;
import org.diloco4j.core.params.Fp32Vector;
import org.diloco4j.core.params.Range;
import org.diloco4j.core.params.VectorOps;
import org.diloco4j.core.stream.FragmentOptimizers;

/**
 * The global parameters θ, split into fragments, each with its own outer optimizer state, and the
 * version counter. In phantom (timing-only) runs θ and the optimizers are absent and updates only
 * advance counters.
 *
 * <p>θ is a chunked vector ({@link Fp32Vector}); the optimizers' buffers are chunked with the same
 * shift, so a coordinator of more than 2^31 − 9 parameters can step θ. A θ given as one array is
 * wrapped (one chunk, no copy) and everything runs as on that array. Still one array: whole-θ
 * snapshots ({@link #snapshot}), refused for a chunked θ with a message saying so.
 */
final class OuterState {
    private final Fp32Vector theta;
    private final FragmentPlan plan;
    private final FragmentOptimizers optimizers;
    /** Null in phantom runs. */
    private final StepGuard guard;
    /** Number of updates applied to θ (any fragment). */
    long version;
    /** Per fragment: outer updates applied to it (the "round" a streaming worker's pseudo-gradient refers to). */
    final long[] rounds;
    /**
     * Set by the driver while another push is already waiting for the coordinator: a streamed step
     * the guard clears may then be counted now and make its pass over θ with the next one's
     * ({@link #applyStreamed}). False in the simulator, which never sets it.
     */
    boolean moreFollow;
    /**
     * Counted steps whose passes over θ wait for the next arrival's, oldest first: at most two, each pairing with the
     * next (a third that pairs with the second runs with both: one pass for three pushes). Empty: none.
     */
    private final List<Deferred> deferred = new ArrayList<>(2);
    /** Steps deferred so far: a driver compares it across an event to learn whether the event deferred its own. */
    long deferrals;
    /** Passes that applied two or three pushes (a deferred step run with the next arrival's, or with the next two). */
    long sharedPasses;
    /** Pushes applied in those passes. */
    long stepsInSharedPasses;

    /** A streamed step counted (optimizer committed, version moved) whose pass over θ has not run. */
    private record Deferred(int p, StreamedDelta g, StepKernel step, float factor, boolean scale, double norm, ForkJoinPool pool) {
    }

    /** θ held in {@code theta} itself (one chunk, not copied); null in phantom runs. */
    OuterState(float[] theta, FragmentPlan plan, OuterOptimizerConfig outer) {
        this(theta == null ? null : Fp32Vector.wrap(theta), plan, outer);
    }

    OuterState(Fp32Vector theta, FragmentPlan plan, OuterOptimizerConfig outer) {
        if (theta != null) theta.requireSize("global θ", "initial values", plan.totalSize());
        this.theta = theta;
        this.plan = plan;
        this.rounds = new long[plan.count()];
        this.optimizers = theta == null ? null : new FragmentOptimizers(plan, outer, theta.shift());
        this.guard = theta == null ? null : new StepGuard(plan, outer, theta);
    }

    /**
     * The state {@code s} holds, continued as {@link #restore} would, but with θ and the optimizers'
     * buffers the state's own arrays rather than copies into fresh ones: for a checkpoint just read,
     * which nothing else uses (a restore holds the loaded state and its copy: 6 × θ at 1B with Delayed
     * Nesterov, against the coordinator's 3).
     */
    OuterState(State s, FragmentPlan plan, OuterOptimizerConfig outer) {
        if (s.theta() != null) s.theta().requireSize("checkpoint", "θ", plan.totalSize());
        rounds(s, plan.count());
        this.theta = s.theta();
        this.plan = plan;
        this.rounds = s.rounds().clone();
        this.optimizers = theta == null ? null : new FragmentOptimizers(plan, outer, s.optimizers(), theta.shift());
        this.guard = theta == null ? null : new StepGuard(plan, outer, null);
        if (guard != null) guard.restored(theta, s.optimizers());
        this.version = s.version();
    }

    private static void rounds(State s, int fragments) {
        if (s.rounds().length != fragments) {
            throw new IllegalArgumentException("checkpoint has " + s.rounds().length + " fragments, the run " + fragments);
        }
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

    /**
     * Applies pseudo-gradient {@code g} (the fragment's dense vector; null in phantom runs) of L2 norm
     * {@code norm} to fragment {@code p}.
     *
     * @return false if the step left θ non-finite: it was undone (θ and the optimizer state are as
     *         before, bit for bit) and the version did not move
     */
    boolean apply(int p, float[] g, double norm) {
        flush();
        if (theta != null) {
            Undo undo = guard.mayOverflow(p, norm, false) ? new Undo(p, plan.fragment(p).gather(theta), optimizers.optimizer(p).state()) : null;
            optimizers.step(p, theta, g);
            if (!guard.finiteAfter(p, theta, norm)) return undo(undo);
        }
        return counted(p);
    }

    /**
     * {@link #apply} for a pseudo-gradient read block by block (async methods), scaled by
     * {@code factor} if {@code scale}, with {@code norm} that of the scaled vector. The step runs on
     * {@code pool}'s threads, its kernel over one block at a time. A step the guard clears cannot leave
     * θ non-finite: its pass is not measured, and the guard's max becomes a bound ({@link StepGuard#provisional}).
     * Any other is measured over each run right after the kernel wrote it (still in cache), and undone
     * exactly as {@link #apply} is when it leaves θ non-finite.
     */
    boolean applyStreamed(int p, StreamedDelta g, float factor, boolean scale, double norm, ForkJoinPool pool) {
        if (theta != null) {
            OuterOptimizer o = optimizers.optimizer(p);
            // A deferred step was committed when it was counted, and a pass commits nothing: this is the next step either way.
            StepKernel step = o.begin();
            boolean cleared = clears(p, norm);
            if (!deferred.isEmpty()) {
                Deferred last = deferred.get(deferred.size() - 1);
                if (cleared && last.p() == p && last.g().pairs(last.step(), g, step)) {
                    // All cleared by the guard: none can leave θ non-finite, together as apart.
                    if (deferred.size() == 1 && moreFollow && g.leadsPair(step)) {
                        // One more may join: this one waits too, and a third that pairs with it runs with both.
                        return defer(p, g, step, factor, scale, norm, pool, o);
                    }
                    Deferred d = deferred.get(0);
                    if (deferred.size() == 1) {
                        d.g().applyPair(plan.fragment(p), d.step(), d.factor(), d.scale(), g, step, factor, scale, theta, d.pool(), false);
                    } else {
                        d.g().applyTriple(plan.fragment(p), d.step(), d.factor(), d.scale(), last.g(), last.step(), last.factor(), last.scale(),
                                g, step, factor, scale, theta, d.pool(), false);
                    }
                    grouped(deferred.size() + 1);
                    deferred.clear();
                    o.commit();
                    guard.provisional(p, norm);
                    return counted(p);
                }
                flush();
            }
            if (cleared && moreFollow && g.leadsPair(step)) {
                // Cleared by the guard, so the pass cannot leave θ non-finite: the step is counted now, as if it had run.
                return defer(p, g, step, factor, scale, norm, pool, o);
            }
            if (cleared) {
                g.apply(plan.fragment(p), step, theta, factor, scale, pool, false);
                o.commit();
                guard.provisional(p, norm);
                return counted(p);
            }
            Undo undo = new Undo(p, plan.fragment(p).gather(theta), o.state());
            float max = g.apply(plan.fragment(p), step, theta, factor, scale, pool, true);
            o.commit();
            if (!guard.finiteAfter(p, max, norm)) return undo(undo);
        }
        return counted(p);
    }

    /**
     * Whether a step of fragment {@code p} with a pseudo-gradient of norm {@code norm} cannot overflow: the guard's
     * verdict, and where only the bound left by unmeasured steps stands in its way, the verdict after measuring
     * the fragment (every deferred pass run first). Honest runs never get there: the bound grows by gain × G per step
     * from θ's max, and a thirtieth of the largest float is far off.
     */
    private boolean clears(int p, double norm) {
        if (!guard.mayOverflow(p, norm, false)) return true;
        if (guard.exact(p)) return false;
        flush();
        guard.measure(p, theta);
        return !guard.mayOverflow(p, norm, false);
    }

    /** Counts a cleared step (optimizer committed, version moved, the guard's bound raised) whose pass waits. */
    private boolean defer(int p, StreamedDelta g, StepKernel step, float factor, boolean scale, double norm, ForkJoinPool pool, OuterOptimizer o) {
        deferred.add(new Deferred(p, g, step, factor, scale, norm, pool));
        deferrals++;
        o.commit();
        guard.provisional(p, norm);
        return counted(p);
    }

    private void grouped(int pushes) {
        sharedPasses++;
        stepsInSharedPasses += pushes;
    }

    /** One more step of fragment {@code p} counted: its round and θ's version move. */
    private boolean counted(int p) {
        rounds[p]++;
        version++;
        return true;
    }

    /**
     * Runs the deferred steps' pass over θ, if any wait (two in one pass). Everything that reads θ's values or the
     * optimizers' buffers calls it first, so nothing outside sees a step counted but not applied.
     */
    void flush() {
        if (deferred.isEmpty()) return;
        // Cleared by the guard when they were counted (its bound then raised): nothing to measure.
        Deferred d = deferred.get(0);
        if (deferred.size() == 2) {
            Deferred e = deferred.get(1);
            d.g().applyPair(plan.fragment(d.p()), d.step(), d.factor(), d.scale(), e.g(), e.step(), e.factor(), e.scale(), theta, d.pool(), false);
            grouped(2);
        } else {
            d.g().apply(plan.fragment(d.p()), d.step(), theta, d.factor(), d.scale(), d.pool(), false);
        }
        deferred.clear();
    }

    /** How many counted steps' passes over θ still wait (0, 1 or 2). */
    int deferredSteps() {
        return deferred.size();
    }

    /**
     * Measures max |θ_i| over every fragment whose max the guard knows only as a bound (after running any
     * deferred pass): for a caller to whom the bound was not good enough (a down codec of limited range).
     *
     * @return whether anything was measured (false: every max was exact already, asking again changes nothing)
     */
    boolean measureMax() {
        if (theta == null) return false;
        flush();
        boolean measured = false;
        for (int p = 0; p < plan.count(); p++) {
            if (!guard.exact(p)) {
                guard.measure(p, theta);
                measured = true;
            }
        }
        return measured;
    }

    /**
     * θ ← θ − g without optimizer state (DDP: the one data-parallel replica is the model, so its
     * pseudo-gradient is applied whole). False, θ untouched, if that would leave θ non-finite.
     */
    boolean subtract(float[] g, double norm) {
        flush();
        if (theta != null) {
            Undo undo = guard.mayOverflow(0, norm, true) ? new Undo(0, plan.fragment(0).gather(theta), null) : null;
            VectorOps.requireLength("subtract", "g", g, plan.fragment(0).arraySize());
            for (Fp32Vector.Piece c : theta.pieces(new Range(0, theta.size()))) {
                VectorOps.axpy(-1f, g, (int) (theta.chunkStart(c.chunk()) + c.offset()), theta.chunk(c.chunk()), c.offset(), c.length());
            }
            if (!guard.finiteAfter(0, theta, norm)) return undo(undo);
        }
        for (int p = 0; p < rounds.length; p++) rounds[p]++;
        version++;
        return true;
    }

    /** What a step of fragment {@code p} overwrites: its θ values (dense) and its optimizer's state (null: none). */
    private record Undo(int p, float[] theta, OptimizerState optimizer) {
    }

    private boolean undo(Undo u) {
        // The guard copies whenever a step could overflow; a non-finite θ without a copy is a broken bound.
        if (u == null) throw new IllegalStateException("an outer step left θ non-finite although its bound said it could not");
        plan.fragment(u.p()).scatter(u.theta(), theta);
        if (u.optimizer() != null) optimizers.optimizer(u.p()).restore(u.optimizer());
        return false;
    }

    /**
     * Set by a driver that encodes every snapshot before it hands the coordinator its next event
     * ({@link Coordinator#shareTheta()}): snapshots of the whole θ then share θ instead of copying it.
     */
    boolean liveSnapshots;

    Snapshot snapshot() {
        // A shared snapshot is θ itself, read by the driver later (through theta(), which flushes): no pass here,
        // or every arrival's release would run the step deferred for the next one.
        if (theta != null && liveSnapshots) {
            // θ itself, in its chunks; also as its one array when it is one (drivers that take θ whole).
            return new Snapshot(version, -1, plan.totalSize(), theta.chunkCount() == 1 && theta.chunk(0).length == theta.size() ? theta.chunk(0) : null, theta);
        }
        flush();
        return new Snapshot(version, -1, plan.totalSize(), theta == null ? null : theta.toArray());
    }

    /** max |θ_i| over all of θ now, as the last step (or the start) found it, or the guard's bound on it; NaN in phantom runs. */
    double thetaMax() {
        return theta == null ? Double.NaN : guard.max();
    }

    /**
     * Max |θ_i| over what {@code s} holds, known without a pass over it when {@code s} is of the current
     * θ (its version, or its fragment's round, has not moved since: every change of θ moves them and
     * the step guard's maxima): NaN when it is not, or in phantom runs. After steps whose pass was not
     * measured (or still waits), the guard's bound on it (never below it): every release asks, and a bound
     * the down codec carries is as good as the max; the caller {@link #measureMax measures} if it does not.
     */
    double knownMax(Snapshot s) {
        if (theta == null) return Double.NaN;
        if (s.fragment() == -1) return s.version() == version ? guard.max() : Double.NaN;
        return s.version() == rounds[s.fragment()] ? guard.max(s.fragment()) : Double.NaN;
    }

    Snapshot fragmentSnapshot(int p) {
        flush();
        Fragment f = plan.fragment(p);
        return new Snapshot(rounds[p], p, f.size(), theta == null ? null : f.gather(theta));
    }

    /** θ; null in phantom runs. */
    Fp32Vector theta() {
        flush();
        return theta;
    }

    FragmentOptimizers optimizers() {
        flush();
        return optimizers;
    }

    /**
     * @param theta null in phantom runs, as are {@code optimizers}; written to a checkpoint as one
     *              tensor whatever its chunks, read back as one array when it fits one
     */
    record State(Fp32Vector theta, long version, long[] rounds, List<OptimizerState> optimizers) {
    }

    State state() {
        flush();
        return new State(theta == null ? null : theta.copy(), version, rounds.clone(), optimizers == null ? null : optimizers.states());
    }

    /**
     * {@link #state()} sharing θ and the optimizers' buffers instead of copying them (at 1B
     * parameters with Delayed Nesterov the copy is 12 GB): for a checkpoint written before the next
     * step or restore.
     */
    State view() {
        flush();
        return new State(theta, version, rounds.clone(), optimizers == null ? null : optimizers.views());
    }

    void restore(State s) {
        flush();
        if ((s.theta() == null) != phantom()) throw new IllegalArgumentException("checkpoint and run disagree on whether the run is timing-only");
        rounds(s, rounds.length);
        if (theta != null) {
            s.theta().requireSize("checkpoint", "θ", theta.size());
            if (s.theta() != theta) theta.copyFrom(s.theta());
            optimizers.restore(s.optimizers());
            guard.restored(theta, s.optimizers());
        }
        version = s.version();
        System.arraycopy(s.rounds(), 0, rounds, 0, rounds.length);
    }
}
