package org.diloco4j.sim;

import org.diloco4j.core.coord.Command;
import org.diloco4j.core.params.FragmentPlan;
import org.diloco4j.core.stream.StreamingSchedule;
import org.diloco4j.core.worker.Replica;
import org.diloco4j.core.worker.StreamingWorker;

import java.util.ArrayList;
import java.util.List;

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

    /** Streaming: where it is on the schedule, its pending merges and inbox; null for other methods. */
    final StreamingWorker<Arrival> stream;
    /** Streaming: when it began waiting for a fragment's values. */
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

    /** @param streaming the schedule of a streaming run, else null */
    SimWorker(WorkerSpec spec, long seed, StreamingSchedule streaming) {
        this.spec = spec;
        this.rng = new SimRandom(seed);
        this.stream = streaming == null ? null : new StreamingWorker<>(streaming);
    }

    /** A worker's state for a checkpoint: every field above, {@code rng} as its one long and the replica as its own state. */
    record State(WorkerSpec spec, long rng, Replica.State replica, int incarnation, boolean alive, int member, long generation,
                 double upFreeAt, double downFreeAt, List<double[]> partitions, StreamingWorker.State<Arrival> stream, double blockedSince, long unreportedTokens, int unreportedSteps,
                 double unreportedCompute, double lossSum, int lossCount, long steps, long tokens, long bytesUp, long bytesDown,
                 double accountedUntil) {
    }

    State state() {
        return new State(spec, rng.state(), replica == null ? null : replica.state(), incarnation, alive, member, generation, upFreeAt,
                downFreeAt, List.copyOf(partitions), stream == null ? null : stream.state(), blockedSince,
                unreportedTokens, unreportedSteps, unreportedCompute, lossSum, lossCount, steps, tokens, bytesUp, bytesDown, accountedUntil);
    }

    /**
     * The worker {@link #state()} was taken of; its replica (if any) waits for a trainer ({@link Replica#attach}).
     *
     * @param streaming the schedule of a streaming run, else null
     */
    static SimWorker restore(State s, FragmentPlan plan, StreamingSchedule streaming) {
        SimWorker w = new SimWorker(s.spec(), s.rng(), streaming);
        w.replica = s.replica() == null ? null : Replica.restore(s.replica(), plan);
        w.incarnation = s.incarnation();
        w.alive = s.alive();
        w.member = s.member();
        w.generation = s.generation();
        w.upFreeAt = s.upFreeAt();
        w.downFreeAt = s.downFreeAt();
        w.partitions.addAll(s.partitions());
        if (w.stream != null && s.stream() != null) w.stream.restore(s.stream());
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
