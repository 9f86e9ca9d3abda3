package org.diloco4j.app.config;

import java.util.Locale;

/**
 * A scripted fault, as in a {@code [[sim.faults]]} table: {@code kind} crash, leave, partition
 * (until {@code until}), slowdown (steps take {@code factor}× longer until {@code until}) or join
 * (a worker described by {@code joiner}).
 */
public record FaultEntry(String kind, String worker, double at, double until, double factor, WorkerEntry joiner) {
    public FaultEntry {
        kind = kind == null ? "" : kind.toLowerCase(Locale.ROOT);
        String where = "[[sim.faults]] " + kind + " of '" + worker + "' at " + at + ": ";
        switch (kind) {
            case "crash", "leave" -> { }
            case "partition" -> {
                if (!(until > at)) throw new ConfigException(where + "until = " + until + " must be after at");
            }
            case "slowdown" -> {
                if (!(until > at)) throw new ConfigException(where + "until = " + until + " must be after at");
                if (!(factor > 0) || Double.isInfinite(factor)) throw new ConfigException(where + "factor = " + factor + " must be > 0");
            }
            case "join" -> {
                if (joiner == null) throw new ConfigException(where + "a join needs seconds_per_step, up_mbps, down_mbps, latency_ms");
            }
            default -> throw new ConfigException("[[sim.faults]] kind = \"" + kind + "\" is invalid: allowed crash, leave, partition, slowdown, join");
        }
        if (worker == null || worker.isBlank()) throw new ConfigException("[[sim.faults]] " + kind + " needs worker = \"name\"");
        if (!(at >= 0)) throw new ConfigException(where + "at must be >= 0 seconds");
    }
}
