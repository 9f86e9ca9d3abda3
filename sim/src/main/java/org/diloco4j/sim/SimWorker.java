package org.diloco4j.sim;

import org.diloco4j.core.coord.Command;
import org.diloco4j.core.stream.StreamingSchedule;
import org.diloco4j.core.worker.Replica;
import org.diloco4j.core.worker.StreamingWorker;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/** One simulated worker process: its replica, its links' occupancy and its activity record. */
final class SimWorker implements Serializable {
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

    record Arrival(Command.ApplyFragment command, float[] values, double time) implements Serializable {
    }

    /** @param streaming the schedule of a streaming run, else null */
    SimWorker(WorkerSpec spec, long seed, StreamingSchedule streaming) {
        this.spec = spec;
        this.rng = new SimRandom(seed);
        this.stream = streaming == null ? null : new StreamingWorker<>(streaming);
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
