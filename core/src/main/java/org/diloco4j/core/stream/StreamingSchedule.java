package org.diloco4j.core.stream;

import java.util.List;

/**
 * When each of P fragments synchronises (Streaming DiLoCo): every fragment once per H inner steps,
 * staggered so that at most one fragment is in flight per step and peak bandwidth falls by P.
 *
 * <p>Step convention: {@code t} counts completed inner steps, starting at 1 (t = 1 is the end of
 * the first inner step; there is no step 0). Fragment p has offset {@code offset_p = p·H/P} and is
 * due at every t ≥ 1 with {@code t mod H == offset_p}: fragment 0 at H, 2H, …, fragment p at
 * p·H/P, H + p·H/P, …. With P = 1 this is plain DiLoCo, a full sync after every H steps.
 *
 * <p>Overlap τ: a fragment's pseudo-gradient is sent when step t completes, the worker trains on,
 * and the outer result is merged into its local copy when step t + τ completes (τ = 0: before the
 * next step starts). τ &lt; H/P so that a fragment's result lands before the next fragment's send.
 *
 * @param innerSteps H, inner steps between two syncs of the same fragment
 * @param fragments  P, a divisor of H
 * @param overlap    τ ∈ [0, H/P)
 */
public record StreamingSchedule(int innerSteps, int fragments, int overlap) {
    public StreamingSchedule {
        if (innerSteps < 1) throw new IllegalArgumentException("streaming H (inner steps) must be >= 1, got " + innerSteps);
        if (fragments < 1) throw new IllegalArgumentException("streaming P (fragments) must be >= 1, got " + fragments);
        if (innerSteps % fragments != 0) {
            throw new IllegalArgumentException("streaming H = " + innerSteps + " must be a multiple of P = " + fragments
                    + " so that fragment syncs are evenly spaced (H mod P = " + innerSteps % fragments + ")");
        }
        if (overlap < 0 || overlap >= innerSteps / fragments) {
            throw new IllegalArgumentException("streaming overlap τ = " + overlap + " must be in [0, H/P) = [0, "
                    + innerSteps / fragments + ")");
        }
    }

    /** Steps between consecutive fragment syncs, H/P. */
    public int spacing() {
        return innerSteps / fragments;
    }

    /** offset_p = p·H/P. */
    public int offset(int fragment) {
        checkFragment(fragment);
        return fragment * spacing();
    }

    /** Fragments due to send their pseudo-gradient when inner step {@code t} (≥ 1) completes; at most one. */
    public List<Integer> fragmentsDueAt(long t) {
        checkStep(t);
        int phase = (int) (t % innerSteps);
        return phase % spacing() == 0 ? List.of(phase / spacing()) : List.of();
    }

    /** The first step strictly after {@code afterStep} (≥ 0) at which {@code fragment} is due. */
    public long nextSyncStep(int fragment, long afterStep) {
        if (afterStep < 0) throw new IllegalArgumentException("step must be >= 0, got " + afterStep);
        int off = offset(fragment);
        long base = afterStep - Math.floorMod(afterStep, innerSteps);
        long t = base + off;
        if (t <= afterStep) t += innerSteps;
        return t;
    }

    /** The step after which the outer result for a send at {@code sendStep} is merged: {@code sendStep + τ}. */
    public long mergeStep(long sendStep) {
        checkStep(sendStep);
        return sendStep + overlap;
    }

    private void checkFragment(int p) {
        if (p < 0 || p >= fragments) throw new IllegalArgumentException("fragment " + p + " out of range [0, " + fragments + ")");
    }

    private static void checkStep(long t) {
        if (t < 1) throw new IllegalArgumentException("inner steps are counted from 1, got step " + t);
    }
}
