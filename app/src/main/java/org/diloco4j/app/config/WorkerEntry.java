package org.diloco4j.app.config;

/**
 * One simulated worker, as in a {@code [[sim.workers]]} table.
 *
 * @param shard data shard it holds (-1: its index)
 */
public record WorkerEntry(String name, double secondsPerStep, double jitter, double upMbps, double downMbps,
                          double latencyMs, double drop, int shard) {
    public WorkerEntry {
        String where = "[[sim.workers]] '" + name + "': ";
        if (name == null || name.isBlank()) throw new ConfigException("[[sim.workers]] entry without a name");
        if (!(secondsPerStep > 0)) throw new ConfigException(where + "seconds_per_step = " + secondsPerStep + " must be > 0");
        if (!(jitter >= 0 && jitter < 1)) throw new ConfigException(where + "jitter = " + jitter + " must be in [0, 1)");
        if (!(upMbps > 0) || !(downMbps > 0)) throw new ConfigException(where + "up_mbps and down_mbps must be > 0 (got " + upMbps + ", " + downMbps + ")");
        if (!(latencyMs >= 0)) throw new ConfigException(where + "latency_ms = " + latencyMs + " must be >= 0");
        if (!(drop >= 0 && drop < 1)) throw new ConfigException(where + "drop = " + drop + " must be in [0, 1)");
    }

    /** The data shard of the worker listed at {@code index}: its own, or its index when it names none. */
    public int shardAt(int index) {
        return shard >= 0 ? shard : index;
    }
}
