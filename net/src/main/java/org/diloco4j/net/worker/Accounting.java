package org.diloco4j.net.worker;

import org.diloco4j.core.run.Segment.Kind;
import org.diloco4j.core.time.Clock;
import org.diloco4j.core.train.TrainReport;
import org.diloco4j.net.metrics.WorkerMetrics;
import org.diloco4j.net.proto.Segment;
import org.diloco4j.net.proto.WorkerStats;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a worker's time goes, measured on the worker with its own monotonic clock (durations need
 * no shared clock) and stamped in the coordinator's clock through an offset taken at join. Closed
 * segments wait here until a heartbeat carries them.
 */
final class Accounting {
    /** Segments shorter than this are counted in the totals but not drawn. */
    private static final double MIN_SEGMENT = 1e-3;
    private static final int MAX_PENDING = 100_000;

    private final WorkerMetrics metrics;
    private final Clock clock;
    private final long origin;
    private final double[] seconds = new double[3];
    private final List<Segment> pending = new ArrayList<>();
    private Kind current = Kind.IDLE;
    private double since;
    private double offset;
    private long steps;
    private long tokens;
    private long bytesUp;
    private long bytesDown;

    Accounting() {
        this(WorkerMetrics.NONE, Clock.SYSTEM);
    }

    Accounting(WorkerMetrics metrics, Clock clock) {
        this.metrics = metrics;
        this.clock = clock;
        this.origin = clock.nanos();
        this.since = local();
    }

    private double local() {
        return clock.secondsSince(origin);
    }

    /** Aligns with the coordinator's clock reading {@code coordinatorTime} now. */
    synchronized void align(double coordinatorTime) {
        offset = coordinatorTime - local();
    }

    /** From now on the worker is doing {@code k}. */
    synchronized void to(Kind k) {
        if (k == current) return;
        double t = local();
        seconds[current.ordinal()] += t - since;
        if (t - since >= MIN_SEGMENT && pending.size() < MAX_PENDING) {
            pending.add(Segment.newBuilder().setKind(current.label()).setStart(Math.max(0, since + offset)).setEnd(Math.max(0, t + offset)).build());
        }
        current = k;
        since = t;
    }

    /** A stretch of inner steps that took {@code seconds}. */
    void trained(TrainReport r, double seconds) {
        synchronized (this) {
            steps += r.steps();
            tokens += r.tokens();
        }
        metrics.trained(r.steps(), r.tokens(), seconds, r.meanLoss());
    }

    synchronized void sent(long bytes) {
        bytesUp += bytes;
    }

    synchronized void received(long bytes) {
        bytesDown += bytes;
    }

    synchronized long steps() {
        return steps;
    }

    synchronized double seconds(Kind k) {
        return seconds[k.ordinal()] + (k == current ? local() - since : 0);
    }

    /** Cumulative totals, the running activity included. */
    synchronized WorkerStats stats() {
        return WorkerStats.newBuilder().setComputeSeconds(seconds(Kind.COMPUTE)).setCommunicateSeconds(seconds(Kind.COMMUNICATE))
                .setIdleSeconds(seconds(Kind.IDLE)).setSteps(steps).setTokens(tokens).setBytesUp(bytesUp).setBytesDown(bytesDown).build();
    }

    /** Takes up to {@code max} closed segments, oldest first. */
    synchronized List<Segment> drain(int max) {
        int n = Math.min(max, pending.size());
        List<Segment> out = new ArrayList<>(pending.subList(0, n));
        pending.subList(0, n).clear();
        return out;
    }

    /** Puts back segments a failed heartbeat could not deliver. */
    synchronized void putBack(List<Segment> segments) {
        pending.addAll(0, segments);
    }
}
