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
 * @param coordinatorNic  the coordinator's network interface, shared by all workers; null = unlimited
 */
public record SimConfig(List<WorkerSpec> workers, List<Fault> faults, long seed, double sessionTimeout,
                        long evalEveryTokens, double maxSeconds, CoordinatorNic coordinatorNic) {
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

    /** A run whose coordinator's NIC is unlimited (only the workers' links cost time). */
    public SimConfig(List<WorkerSpec> workers, List<Fault> faults, long seed, double sessionTimeout, long evalEveryTokens, double maxSeconds) {
        this(workers, faults, seed, sessionTimeout, evalEveryTokens, maxSeconds, null);
    }

    /** This run with the coordinator behind {@code nic}. */
    public SimConfig withCoordinatorNic(CoordinatorNic nic) {
        return new SimConfig(workers, faults, seed, sessionTimeout, evalEveryTokens, maxSeconds, nic);
    }

    public static SimConfig of(List<WorkerSpec> workers, long seed) {
        return new SimConfig(workers, List.of(), seed, 30, 0, 0);
    }
}
