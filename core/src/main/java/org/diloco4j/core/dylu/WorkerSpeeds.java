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
 */
public final class WorkerSpeeds {
    private final SpeedConfig config;
    private final Map<Integer, Double> ema = new HashMap<>();
    private final Map<Integer, ArrayDeque<double[]>> windows = new HashMap<>();

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

    /** Estimated steps per second, empty until the member has reported. */
    public OptionalDouble speed(int member) {
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
