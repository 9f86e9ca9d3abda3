package org.diloco4j.core.coord;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The bound on a pseudo-gradient's L2 norm, per fragment, in two parts.
 *
 * <p><b>Absolute</b>, always on: {@code outer.max_delta_norm} when set, else {@value #RMS_CAP} × √n
 * for a fragment of n values — a root-mean-square of {@value #RMS_CAP} per parameter. An honest
 * pseudo-gradient is H inner steps of an optimizer whose per-step move of one parameter is about its
 * learning rate (AdamW: ≤ lr, ~1e-3), so its RMS is far below 1; one of {@value #RMS_CAP} per value
 * is no training run, and values like 1e30 (which make θ non-finite) are many orders beyond it.
 *
 * <p><b>Adaptive</b> ({@code outer.norm_bound_factor} k, 0 = off): once a fragment has had
 * {@code warmup} outer steps, a norm above k × the median of its last {@value #WINDOW} accepted norms
 * is refused. The median moves with the run (norms shrink as training converges) and one liar cannot
 * drag it (it needs half the window). Refused norms never enter the window. The warm-up counts outer
 * steps, not pushes: Streaming DiLoCo's staggered schedule syncs fragment p first after only p·H/P
 * steps, so its first round's norms are several times smaller than the next ones (5.5× measured
 * with P = 4), and a round of M workers brings M norms at once.
 */
final class NormBound {
    /** Accepted norms the median is taken over, per fragment. */
    static final int WINDOW = 32;
    /** The automatic absolute bound: this root-mean-square per value. */
    static final double RMS_CAP = 1e3;

    private final double explicitBound;
    private final double factor;
    private final int warmup;
    private final long[] sizes;
    private final List<ArrayDeque<Double>> windows = new ArrayList<>();

    NormBound(CoordinatorConfig cfg, long[] fragmentSizes) {
        this.explicitBound = cfg.maxDeltaNorm();
        this.factor = cfg.normBoundFactor();
        this.warmup = cfg.normBoundWarmup();
        this.sizes = fragmentSizes.clone();
        for (int p = 0; p < sizes.length; p++) windows.add(new ArrayDeque<>());
    }

    /** The absolute bound of fragment {@code p}. */
    double absolute(int p) {
        return explicitBound > 0 ? explicitBound : RMS_CAP * Math.sqrt(sizes[p]);
    }

    /** The adaptive bound of fragment {@code p} after {@code steps} outer steps of it; +∞ during the warm-up or with the factor off. */
    double adaptive(int p, long steps) {
        if (factor <= 0 || steps < warmup || windows.get(p).isEmpty()) return Double.POSITIVE_INFINITY;
        return factor * median(p);
    }

    double median(int p) {
        double[] v = windows.get(p).stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    /** Why a pseudo-gradient of fragment {@code p} with this norm is refused, or null; the fragment has had {@code steps} outer steps. */
    PushChecks.Problem check(int p, double norm, long steps) {
        double abs = absolute(p);
        if (!(norm <= abs)) {
            return problem(String.format(Locale.ROOT, "pseudo-gradient norm %.4g exceeds the bound %.4g (%s)", norm, abs,
                    explicitBound > 0 ? "outer.max_delta_norm" : "the automatic bound of RMS " + RMS_CAP + " per value"));
        }
        double adapt = adaptive(p, steps);
        if (norm > adapt) {
            return problem(String.format(Locale.ROOT, "pseudo-gradient norm %.4g exceeds the bound %.4g (outer.norm_bound_factor %s"
                    + " × the median %.4g of the last %d accepted norms)", norm, adapt, factor, median(p), windows.get(p).size()));
        }
        return null;
    }

    private static PushChecks.Problem problem(String detail) {
        return new PushChecks.Problem(Refusal.NORM_BOUND, detail);
    }

    /** A pseudo-gradient of fragment {@code p} with this norm was accepted. */
    void accept(int p, double norm) {
        ArrayDeque<Double> w = windows.get(p);
        w.addLast(norm);
        if (w.size() > WINDOW) w.removeFirst();
    }

    /** Per fragment: the window, oldest first. */
    record State(List<List<Double>> windows) {
    }

    State state() {
        List<List<Double>> w = new ArrayList<>();
        for (ArrayDeque<Double> d : windows) w.add(List.copyOf(d));
        return new State(w);
    }

    /** Restores {@link #state()}; a checkpoint written before the bound existed (null) starts it empty. */
    void restore(State s) {
        if (s == null) return;
        if (s.windows().size() != sizes.length) {
            throw new IllegalArgumentException("checkpoint has norm windows for " + s.windows().size() + " fragments, the run " + sizes.length);
        }
        for (int p = 0; p < sizes.length; p++) {
            ArrayDeque<Double> d = windows.get(p);
            d.clear();
            List<Double> saved = s.windows().get(p);
            for (Double v : saved) {
                if (v == null || !(v >= 0) || v.isInfinite()) throw new IllegalArgumentException("checkpoint holds a norm of " + v + " for fragment " + p);
            }
            // Only the newest WINDOW matter.
            d.addAll(saved.subList(Math.max(0, saved.size() - WINDOW), saved.size()));
        }
    }
}
