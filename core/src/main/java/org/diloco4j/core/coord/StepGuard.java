package org.diloco4j.core.coord;

import org.diloco4j.core.optim.OptimizerState;
import org.diloco4j.core.optim.OuterOptimizerConfig;
import org.diloco4j.core.params.Fragment;
import org.diloco4j.core.params.FragmentPlan;
import org.diloco4j.core.params.Fp32Vector;
import org.diloco4j.core.params.Range;
import org.diloco4j.core.params.VectorOps;

import java.util.List;

/**
 * Keeps θ finite across outer steps. A step that could overflow is measured after it — one pass over
 * the fragment it touched finds its largest |θ_i| (NaN or ∞ if any value is not finite) — and undone if
 * it left θ non-finite.
 *
 * <p>Undoing needs the fragment's θ and optimizer state from before the step, but copying them on
 * every step would double its memory traffic, so they are copied only when the step could overflow:
 * with G bounding every |g_i| applied so far (a pseudo-gradient's L2 norm bounds its values) and the
 * optimizer's {@link OuterOptimizerConfig#stepGain() gain}, no value of θ can move by more than
 * gain × G, nor a buffer exceed {@link OuterOptimizerConfig#bufferGain()} × G. While that stays
 * below {@link #SAFE} (a thirtieth of the largest float, room for rounding), the step cannot leave
 * θ non-finite and no copy is taken. Honest runs never come near it (norms are bounded by
 * {@link NormBound}); only a pseudo-gradient of enormous values pays for the copy.
 *
 * <p>A step the bound clears cannot leave θ non-finite, so a caller may skip its measuring pass
 * ({@link #provisional}): the fragment's max is then known only as a bound, raised by gain × G per
 * such step. A bound is as good as the max for every decision while it is small (a down codec that
 * carries the bound carries θ); where it is not, the caller {@link #measure measures} and asks again.
 * The measuring pass of a streamed step was 14 % of the network coordinator's apply at 100M
 * (docs/bench/step-guard-bound.md), spent on a question the bound had already answered.
 */
final class StepGuard {
    /** Values this far below Float.MAX_VALUE (3.4e38) cannot overflow in one bounded step. */
    static final double SAFE = 1e37;

    private final FragmentPlan plan;
    private final double gain;
    private final double bufferGain;
    /** Per fragment: max |θ_i| after the last step — exact where {@link #exact}, else a bound on it (never below it). */
    private final double[] thetaMax;
    /** Per fragment: whether {@link #thetaMax} was measured since the fragment's last step. */
    private final boolean[] exact;
    /** Per fragment: G, a bound on every |g_i| applied and every buffer value restored. */
    private final double[] gMax;

    /** @param theta the initial θ (null in phantom runs) */
    StepGuard(FragmentPlan plan, OuterOptimizerConfig optimizer, Fp32Vector theta) {
        this.plan = plan;
        this.gain = optimizer.stepGain();
        this.bufferGain = optimizer.bufferGain();
        this.thetaMax = new double[plan.count()];
        this.exact = new boolean[plan.count()];
        this.gMax = new double[plan.count()];
        if (theta != null) measure(theta);
    }

    /** After θ was set from outside (a restore): its maxima, and the buffers' as a bound on G. */
    void restored(Fp32Vector theta, List<OptimizerState> states) {
        measure(theta);
        for (int p = 0; p < gMax.length; p++) {
            double m = 0;
            for (Fp32Vector b : states.get(p).buffers().values()) {
                for (int c = 0; c < b.chunkCount(); c++) m = Math.max(m, VectorOps.maxAbs(b.chunk(c), 0, b.chunk(c).length));
            }
            gMax[p] = m;
        }
    }

    private void measure(Fp32Vector theta) {
        for (int p = 0; p < thetaMax.length; p++) measure(p, theta);
    }

    /**
     * Measures fragment {@code p}'s max |θ_i| (a pass over it), replacing the bound unmeasured steps left.
     * θ must hold every step counted (no pass deferred).
     */
    void measure(int p, Fp32Vector theta) {
        thetaMax[p] = maxAbs(theta, plan.fragment(p));
        exact[p] = true;
    }

    /** Whether fragment {@code p}'s max is measured (false: only bounded, since a step whose pass was not measured). */
    boolean exact(int p) {
        return exact[p];
    }

    /**
     * Whether an outer step of fragment {@code p} with a pseudo-gradient of L2 norm {@code gNorm}
     * could leave θ or the optimizer's buffers non-finite (then the caller copies them first).
     *
     * @param wholeStep true for θ ← θ − g with no optimizer (DDP): gain 1, no buffers
     */
    boolean mayOverflow(int p, double gNorm, boolean wholeStep) {
        double g = Math.max(gMax[p], gNorm);
        double moved = wholeStep ? g : gain * g;
        double buffers = wholeStep ? 0 : bufferGain * g;
        return !(thetaMax[p] + 2 * moved < SAFE && 2 * buffers < SAFE);
    }

    /**
     * A step of fragment {@code p} (norm {@code gNorm}) that {@link #mayOverflow} cleared was counted
     * and its pass is not measured (it ran unmeasured, or waits: {@code OuterState}'s deferred step):
     * until {@link #measure} or a measured step, its max is bounded by the move the bound allows,
     * gain × G, which is what the next steps are judged by (never below the exact max).
     */
    void provisional(int p, double gNorm) {
        double g = Math.max(gMax[p], gNorm);
        thetaMax[p] += gain * g;
        gMax[p] = g;
        exact[p] = false;
    }

    /** After a step of fragment {@code p} (norm {@code gNorm}): whether θ's fragment is all finite. */
    boolean finiteAfter(int p, Fp32Vector theta, double gNorm) {
        return finiteAfter(p, maxAbs(theta, plan.fragment(p)), gNorm);
    }

    /** As {@link #finiteAfter(int, Fp32Vector, double)}, given the fragment's max |θ_i| (found by the step itself). */
    boolean finiteAfter(int p, double maxAbs, double gNorm) {
        double m = maxAbs;
        if (!Double.isFinite(m)) return false;
        thetaMax[p] = m;
        exact[p] = true;
        gMax[p] = Math.max(gMax[p], gNorm);
        return true;
    }

    /**
     * Max |θ_i| over fragment {@code p} after the last step or restore (NaN or ∞ only if θ was restored so),
     * or a bound on it where it is not {@link #exact}.
     */
    double max(int p) {
        return thetaMax[p];
    }

    /** Max |θ_i| over all of θ (the fragments cover it), or a bound on it where a fragment's is not exact. */
    double max() {
        double m = 0;
        for (double x : thetaMax) m = Math.max(m, x);
        return m;
    }

    private static double maxAbs(Fp32Vector theta, Fragment f) {
        double m = 0;
        for (Range r : f.ranges()) {
            for (Fp32Vector.Piece c : theta.pieces(r)) m = Math.max(m, VectorOps.maxAbs(theta.chunk(c.chunk()), c.offset(), c.offset() + c.length()));
        }
        return m;
    }
}
