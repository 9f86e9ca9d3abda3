package org.diloco4j.sim;

import java.util.List;

/**
 * How fast a simulated device runs inner steps: a fixed time per step, given or derived from the
 * model's FLOPs and the device's sustained FLOP/s ({@link DeviceSpeed#secondsPerStep}, which app's
 * config resolver calls for a worker that names a device or its FLOP/s).
 *
 * @param secondsPerStep mean seconds per inner step
 * @param jitter         relative spread of each step's time (lognormal with this σ; 0 = exact)
 * @param slowdowns      periods of virtual time during which steps take {@code factor} times longer
 */
public record DeviceProfile(double secondsPerStep, double jitter, List<Slowdown> slowdowns) {
    /** Between virtual times {@code from} and {@code to}, steps take {@code factor}× as long. */
    public record Slowdown(double from, double to, double factor) {
        public Slowdown {
            if (!(from >= 0 && to > from)) throw new IllegalArgumentException("slowdown window [" + from + ", " + to + ") is empty or negative");
            if (!(factor > 0) || Double.isInfinite(factor)) throw new IllegalArgumentException("slowdown factor " + factor + " must be > 0");
        }
    }

    public DeviceProfile {
        if (!(secondsPerStep > 0) || Double.isInfinite(secondsPerStep)) {
            throw new IllegalArgumentException("seconds_per_step = " + secondsPerStep + ": must be a positive number");
        }
        if (!(jitter >= 0 && jitter < 1)) throw new IllegalArgumentException("jitter = " + jitter + ": must be in [0, 1)");
        slowdowns = List.copyOf(slowdowns);
    }

    public static DeviceProfile of(double secondsPerStep) {
        return new DeviceProfile(secondsPerStep, 0, List.of());
    }

    /** Virtual seconds to run {@code steps} steps starting at virtual time {@code start}. */
    double duration(int steps, double start, SimRandom rng) {
        if (jitter == 0 && slowdowns.isEmpty()) return steps * secondsPerStep;
        double t = start;
        double total = 0;
        for (int i = 0; i < steps; i++) {
            double s = secondsPerStep;
            if (jitter > 0) s *= Math.exp(jitter * rng.gaussian() - 0.5 * jitter * jitter);
            for (Slowdown w : slowdowns) if (t >= w.from && t < w.to) s *= w.factor;
            t += s;
            total += s;
        }
        return total;
    }
}
