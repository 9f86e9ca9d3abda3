package org.diloco4j.sim;

import org.diloco4j.core.coord.Command;
import org.diloco4j.core.params.FragmentPlan;
import org.diloco4j.core.worker.Replica;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One simulated worker process: its replica, its links' occupancy and its activity record. */
final class SimWorker {
    WorkerSpec spec;
    final SimRandom rng;
    Replica replica;
    /** Bumped whenever the process's view of the run ends (crash, lost, left): older scheduled events are ignored. */
    int incarnation;
    boolean alive;
    int member = -1;
    long generation = -1;
    /** Virtual times at which the uplink / downlink finish what they already carry. */
    double upFreeAt;
    double downFreeAt;
    /** Partition windows of this worker's link. */
    final List<double[]> partitions = new ArrayList<>();

    // Streaming state.
    long step;
    long lastSentStep = -1;
    final ArrayDeque<long[]> pendingMerges = new ArrayDeque<>();
    final Map<Integer, ArrayDeque<Arrival>> inbox = new HashMap<>();
    /** Fragment this worker is blocked on, or -1. */
    int blockedOn = -1;
    double blockedSince;
    /** Streaming: tokens trained since the last pseudo-gradient sent (reported with the next one). */
    long unreportedTokens;
    int unreportedSteps;
    double unreportedCompute;

    // Loss sampling.
    double lossSum;
    int lossCount;

    // Accounting (seconds per kind come from the timeline's segments, clipped to the run).
    long steps;
    long tokens;
    long bytesUp;
    long bytesDown;
    /** End of the last recorded segment: time before it is accounted for. */
    double accountedUntil;

    record Arrival(Command.ApplyFragment command, float[] values, double time) {
    }

    SimWorker(WorkerSpec spec, long seed) {
        this.spec = spec;
        this.rng = new SimRandom(seed);
    }

    /** A worker's state for a checkpoint: every field above, {@code rng} as its one long and the replica as its own state. */
    record State(WorkerSpec spec, long rng, Replica.State replica, int incarnation, boolean alive, int member, long generation,
                 double upFreeAt, double downFreeAt, List<double[]> partitions, long step, long lastSentStep, List<long[]> pendingMerges,
                 Map<Integer, List<Arrival>> inbox, int blockedOn, double blockedSince, long unreportedTokens, int unreportedSteps,
                 double unreportedCompute, double lossSum, int lossCount, long steps, long tokens, long bytesUp, long bytesDown,
                 double accountedUntil) {
    }

    State state() {
        Map<Integer, List<Arrival>> in = new LinkedHashMap<>();
        inbox.forEach((k, v) -> in.put(k, List.copyOf(v)));
        return new State(spec, rng.state(), replica == null ? null : replica.state(), incarnation, alive, member, generation, upFreeAt,
                downFreeAt, List.copyOf(partitions), step, lastSentStep, List.copyOf(pendingMerges), in, blockedOn, blockedSince,
                unreportedTokens, unreportedSteps, unreportedCompute, lossSum, lossCount, steps, tokens, bytesUp, bytesDown, accountedUntil);
    }

    /** The worker {@link #state()} was taken of; its replica (if any) waits for a trainer ({@link Replica#attach}). */
    static SimWorker restore(State s, FragmentPlan plan) {
        SimWorker w = new SimWorker(s.spec(), s.rng());
        w.replica = s.replica() == null ? null : Replica.restore(s.replica(), plan);
        w.incarnation = s.incarnation();
        w.alive = s.alive();
        w.member = s.member();
        w.generation = s.generation();
        w.upFreeAt = s.upFreeAt();
        w.downFreeAt = s.downFreeAt();
        w.partitions.addAll(s.partitions());
        w.step = s.step();
        w.lastSentStep = s.lastSentStep();
        w.pendingMerges.addAll(s.pendingMerges());
        s.inbox().forEach((k, v) -> w.inbox.put(k, new ArrayDeque<>(v)));
        w.blockedOn = s.blockedOn();
        w.blockedSince = s.blockedSince();
        w.unreportedTokens = s.unreportedTokens();
        w.unreportedSteps = s.unreportedSteps();
        w.unreportedCompute = s.unreportedCompute();
        w.lossSum = s.lossSum();
        w.lossCount = s.lossCount();
        w.steps = s.steps();
        w.tokens = s.tokens();
        w.bytesUp = s.bytesUp();
        w.bytesDown = s.bytesDown();
        w.accountedUntil = s.accountedUntil();
        return w;
    }

    String name() {
        return spec.name();
    }

    /** Earliest time ≥ t at which this worker's link is up. */
    double linkUpAt(double t) {
        double u = t;
        boolean moved = true;
        while (moved) {
            moved = false;
            for (double[] p : partitions) {
                if (u >= p[0] && u < p[1]) {
                    u = p[1];
                    moved = true;
                }
            }
        }
        return u;
    }
}
