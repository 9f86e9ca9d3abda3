package org.diloco4j.core.dylu;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Per-worker speed estimates in inner steps per second, from what workers report (steps done and
 * the compute seconds they took; the driver measures time, this class only averages). A worker
 * with no report yet has no estimate.
 *
 * <p>Robust to one liar: the reports are a worker's own word, and one worker claiming to be very fast
 * (24 steps in 1e-300 s) would otherwise be the fastest worker every plan is relative to, and shrink
 * every honest worker's assignment to the floor. So an estimate above {@link #OUTLIER_FACTOR} × the
 * (lower) median of all estimates is an outlier, and is read as the fastest estimate that is not:
 * the liar is treated as the fastest honest worker, whose plan it cannot change. The lower median
 * is an honest worker's speed as long as liars are fewer than half the workers (with two workers,
 * the slower one). A liar just under the bound can still make honest workers' assignments up to
 * {@link #OUTLIER_FACTOR}× shorter, no more; honest workers more than that apart (the simulator's most
 * spread preset is 5.7×) are planned as if the fastest were that many times the median.
 */
public final class WorkerSpeeds {
    private final SpeedConfig config;
    private final Map<Integer, Double> ema = new HashMap<>();
    private final Map<Integer, ArrayDeque<double[]>> windows = new HashMap<>();
    /** Speeds above this multiple of the lower median of all estimates are outliers (see the class comment). */
    public static final double OUTLIER_FACTOR = 8;
    /** The fastest estimate that is not an outlier; NaN when it must be computed again. */
    private double ceiling = Double.NaN;

    public WorkerSpeeds(SpeedConfig config) {
        this.config = config;
    }

    public SpeedConfig config() {
        return config;
    }

    /** Adds a report: {@code steps} inner steps took {@code seconds} of compute. */
    public void record(int member, long steps, double seconds) {
        if (steps <= 0) throw new IllegalArgumentException("member " + member + ": a speed report needs steps > 0, got " + steps);
        if (!(seconds > 0) || !Double.isFinite(seconds)) {
            throw new IllegalArgumentException("member " + member + ": a speed report needs finite seconds > 0, got " + seconds);
        }
        ceiling = Double.NaN;
        switch (config.mode()) {
            case EMA -> {
                double rate = steps / seconds;
                ema.merge(member, rate, (old, r) -> config.alpha() * r + (1 - config.alpha()) * old);
            }
            case WINDOW -> {
                ArrayDeque<double[]> w = windows.computeIfAbsent(member, k -> new ArrayDeque<>());
                w.addLast(new double[]{steps, seconds});
                while (w.size() > config.window()) w.removeFirst();
            }
        }
    }

    /** Estimated steps per second, at most the fastest plausible one; empty until the member has reported. */
    public OptionalDouble speed(int member) {
        OptionalDouble v = raw(member);
        return v.isEmpty() ? v : OptionalDouble.of(Math.min(v.getAsDouble(), ceiling()));
    }

    /** The fastest estimate within {@link #OUTLIER_FACTOR} × the lower median of all estimates. */
    private double ceiling() {
        if (!Double.isNaN(ceiling)) return ceiling;
        double[] all = (config.mode() == SpeedConfig.Mode.EMA ? ema.keySet() : windows.keySet()).stream()
                .mapToDouble(k -> raw(k).orElseThrow()).sorted().toArray();
        double bound = OUTLIER_FACTOR * all[(all.length - 1) / 2];
        double c = 0;
        for (double v : all) if (v <= bound) c = Math.max(c, v);
        ceiling = c;
        return c;
    }

    /** The member's estimate as reported, before outliers are bounded. */
    private OptionalDouble raw(int member) {
        return switch (config.mode()) {
            case EMA -> {
                Double v = ema.get(member);
                yield v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
            }
            case WINDOW -> {
                ArrayDeque<double[]> w = windows.get(member);
                if (w == null) yield OptionalDouble.empty();
                double steps = 0, seconds = 0;
                for (double[] r : w) {
                    steps += r[0];
                    seconds += r[1];
                }
                yield OptionalDouble.of(steps / seconds);
            }
        };
    }

    /** Drops a member's history (it left, or its hardware changed). */
    public void forget(int member) {
        ceiling = Double.NaN;
        ema.remove(member);
        windows.remove(member);
    }

    /** The averages' inputs, by member: the EMA's value, or the window's (steps, seconds) reports, oldest first. */
    public record State(Map<Integer, Double> ema, Map<Integer, List<double[]>> windows) {
    }

    public State state() {
        Map<Integer, List<double[]>> w = new TreeMap<>();
        windows.forEach((k, v) -> {
            List<double[]> l = new ArrayList<>();
            for (double[] r : v) l.add(r.clone());
            w.put(k, l);
        });
        return new State(new TreeMap<>(ema), w);
    }

    public void restore(State s) {
        ceiling = Double.NaN;
        ema.clear();
        ema.putAll(s.ema());
        windows.clear();
        s.windows().forEach((k, v) -> {
            ArrayDeque<double[]> d = new ArrayDeque<>();
            for (double[] r : v) d.addLast(r.clone());
            windows.put(k, d);
        });
    }

    /** All current estimates, by member id. */
    public SortedMap<Integer, Double> snapshot() {
        TreeMap<Integer, Double> m = new TreeMap<>();
        for (Integer k : config.mode() == SpeedConfig.Mode.EMA ? ema.keySet() : windows.keySet()) {
            m.put(k, speed(k).orElseThrow());
        }
        return Collections.unmodifiableSortedMap(m);
    }
}
