package org.diloco4j.core.dylu;

import java.util.Collection;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * Dynamic Local Updates: slower workers run fewer inner steps so that all finish at about the same
 * time. Worker w runs {@code max(minSteps, floor(v_w / v_max · H))} steps, v the measured steps per
 * second, v_max the fastest speed among the workers being planned, H the fastest worker's steps.
 *
 * <p>Deterministic: the plan depends only on the set of members and their estimates, not on
 * iteration order. Workers tied at v_max all get exactly H. A worker whose speed is not yet
 * measured gets H (and does not count towards v_max); it is re-planned once it has reported. The
 * floor is taken with a relative slack of 1e-9, so that a ratio meant to be exactly k/H
 * (e.g. 0.29 · 100, which is 28.999999999999996 in binary) gives k, not k − 1.
 */
public final class DyluPlanner {
    private static final double SLACK = 1e-9;

    private final int fastestSteps;
    private final int minSteps;

    /**
     * @param fastestSteps H, inner steps of the fastest worker, ≥ 1
     * @param minSteps     the floor, in [1, H]
     */
    public DyluPlanner(int fastestSteps, int minSteps) {
        if (fastestSteps < 1) throw new IllegalArgumentException("dylu H (fastest worker's inner steps) must be >= 1, got " + fastestSteps);
        if (minSteps < 1 || minSteps > fastestSteps) {
            throw new IllegalArgumentException("dylu.min-steps = " + minSteps + " is invalid: must be in [1, H] = [1, " + fastestSteps + "]");
        }
        this.fastestSteps = fastestSteps;
        this.minSteps = minSteps;
    }

    public int fastestSteps() {
        return fastestSteps;
    }

    public int minSteps() {
        return minSteps;
    }

    /** Steps for every member in {@code members}, relative to the fastest of them. */
    public StepPlan plan(Collection<Integer> members, WorkerSpeeds speeds) {
        double vmax = fastest(members, speeds);
        TreeMap<Integer, Integer> steps = new TreeMap<>();
        TreeMap<Integer, String> reasons = new TreeMap<>();
        for (int m : members) {
            OptionalDouble v = speeds.speed(m);
            if (v.isEmpty()) {
                steps.put(m, fastestSteps);
                reasons.put(m, "speed not measured yet → H = " + fastestSteps);
                continue;
            }
            double ratio = v.getAsDouble() / vmax;
            int raw = scaled(ratio);
            int s = Math.max(minSteps, raw);
            steps.put(m, s);
            reasons.put(m, String.format(Locale.ROOT, "%.4g steps/s = %.4f × fastest %.4g → %d steps%s",
                    v.getAsDouble(), ratio, vmax, s, raw < minSteps ? " (floor " + minSteps + ")" : ""));
        }
        return new StepPlan(steps, reasons);
    }

    /** Steps for one member, e.g. when an asynchronous worker becomes free, relative to the fastest of {@code active}. */
    public int stepsFor(int member, Collection<Integer> active, WorkerSpeeds speeds) {
        OptionalDouble v = speeds.speed(member);
        if (v.isEmpty()) return fastestSteps;
        double vmax = Math.max(fastest(active, speeds), v.getAsDouble());
        return Math.max(minSteps, scaled(v.getAsDouble() / vmax));
    }

    private int scaled(double ratio) {
        double x = ratio * fastestSteps;
        return (int) Math.min(fastestSteps, Math.floor(x + SLACK * x));
    }

    private static double fastest(Collection<Integer> members, WorkerSpeeds speeds) {
        double vmax = 0;
        for (int m : members) {
            OptionalDouble v = speeds.speed(m);
            if (v.isPresent()) vmax = Math.max(vmax, v.getAsDouble());
        }
        return vmax;
    }
}
