package org.diloco4j.app.config;

import org.diloco4j.sim.StepTimeSource;

/**
 * One simulated worker, as in a {@code [[sim.workers]]} table.
 *
 * @param secondsPerStep seconds per inner step: given, or (when {@code device} says flops or a profile
 *                       decides) NaN until the {@link Resolver} derives it from the model's size
 * @param shard          data shard it holds (-1: its index)
 * @param device         the device the worker names, and which key decided its step time
 */
public record WorkerEntry(String name, double secondsPerStep, double jitter, double upMbps, double downMbps,
                          double latencyMs, double drop, int shard, DeviceEntry device) {
    public WorkerEntry {
        String where = "[[sim.workers]] '" + name + "': ";
        if (name == null || name.isBlank()) throw new ConfigException("[[sim.workers]] entry without a name");
        if (device == null) device = DeviceEntry.NONE;
        boolean derived = device.stepTime() != StepTimeSource.SECONDS_PER_STEP;
        if (!(secondsPerStep > 0) && !(derived && Double.isNaN(secondsPerStep)) || Double.isInfinite(secondsPerStep)) {
            throw new ConfigException(where + "seconds_per_step = " + secondsPerStep + " must be > 0");
        }
        if (!(jitter >= 0 && jitter < 1)) throw new ConfigException(where + "jitter = " + jitter + " must be in [0, 1)");
        if (!(upMbps > 0) || !(downMbps > 0)) throw new ConfigException(where + "up_mbps and down_mbps must be > 0 (got " + upMbps + ", " + downMbps + ")");
        if (!(latencyMs >= 0)) throw new ConfigException(where + "latency_ms = " + latencyMs + " must be >= 0");
        if (!(drop >= 0 && drop < 1)) throw new ConfigException(where + "drop = " + drop + " must be in [0, 1)");
    }

    /** A worker whose seconds per step is given (and decides). */
    public WorkerEntry(String name, double secondsPerStep, double jitter, double upMbps, double downMbps, double latencyMs, double drop, int shard) {
        this(name, secondsPerStep, jitter, upMbps, downMbps, latencyMs, drop, shard, DeviceEntry.NONE);
    }

    /** Which key decided {@link #secondsPerStep}. */
    public StepTimeSource stepTime() {
        return device.stepTime();
    }

    /** This worker with the seconds per step derived from its device. */
    WorkerEntry withSecondsPerStep(double s) {
        return new WorkerEntry(name, s, jitter, upMbps, downMbps, latencyMs, drop, shard, device);
    }

    /** The data shard of the worker listed at {@code index}: its own, or its index when it names none. */
    public int shardAt(int index) {
        return shard >= 0 ? shard : index;
    }
}
