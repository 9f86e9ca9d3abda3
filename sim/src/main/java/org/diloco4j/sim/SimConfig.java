package org.diloco4j.sim;

import java.util.List;

/**
 * A simulated run: who is there at the start, what happens to them, and how the run is observed.
 *
 * @param workers         workers present at time 0
 * @param faults          crashes, joins, leaves and partitions at given virtual times
 * @param seed            seeds every random choice of the simulator (jitter, drops)
 * @param sessionTimeout  seconds without heartbeats after which the coordinator declares a worker lost
 * @param evalEveryTokens evaluate the global θ each time this many more tokens were trained (0 = start and end only)
 * @param maxSeconds      safety stop in virtual seconds (0 = none)
 */
public record SimConfig(List<WorkerSpec> workers, List<Fault> faults, long seed, double sessionTimeout,
                        long evalEveryTokens, double maxSeconds) {
    public SimConfig {
        workers = List.copyOf(workers);
        faults = List.copyOf(faults);
        if (workers.isEmpty() && faults.stream().noneMatch(f -> f instanceof Fault.Join)) {
            throw new IllegalArgumentException("simulation has no workers and no joins");
        }
        if (!(sessionTimeout > 0)) throw new IllegalArgumentException("session_timeout = " + sessionTimeout + " s: must be > 0");
        if (evalEveryTokens < 0) throw new IllegalArgumentException("eval_every_tokens = " + evalEveryTokens + ": must be >= 0");
        if (!(maxSeconds >= 0)) throw new IllegalArgumentException("max_seconds = " + maxSeconds + ": must be >= 0");
        java.util.Set<String> names = new java.util.HashSet<>();
        for (WorkerSpec w : workers) {
            if (!names.add(w.name())) throw new IllegalArgumentException("two workers are named '" + w.name() + "'");
        }
    }

    public static SimConfig of(List<WorkerSpec> workers, long seed) {
        return new SimConfig(workers, List.of(), seed, 30, 0, 0);
    }
}
