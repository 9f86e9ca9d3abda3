package org.diloco4j.sim;

import org.diloco4j.core.run.RunResult;
import org.diloco4j.core.run.Segment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Timeline accounting: each worker's virtual time as consecutive segments of compute,
 * communication and idling (kept in {@link SimState#timeline}), and the per-worker totals at the end.
 * Holds no state of its own.
 *
 * @param workerSegments false for DDP, whose group records its devices' segments itself
 */
record Timeline(SimState s, boolean workerSegments) {
    /** Records that worker {@code w} spent [accountedUntil, until) doing {@code kind}. */
    void account(SimWorker w, Segment.Kind kind, double until) {
        if (until <= w.accountedUntil) return;
        if (workerSegments) s.timeline.add(new Segment(w.name(), kind, w.accountedUntil, until));
        w.accountedUntil = until;
    }

    /**
     * Ends the timeline at the run's end: live workers idle until then, and segments are clipped
     * there (work already under way when the run stopped was accounted to its end, but the run's
     * time ends at the stop). Returns each worker's totals, taken from the clipped segments.
     */
    List<RunResult.Worker> finish() {
        for (SimWorker w : s.workers.values()) if (w.alive) account(w, Segment.Kind.IDLE, s.endTime);
        List<Segment> clipped = new ArrayList<>();
        Map<String, double[]> totals = new HashMap<>();
        for (Segment g : s.timeline) {
            if (g.start() >= s.endTime) continue;
            Segment c = g.end() > s.endTime ? new Segment(g.worker(), g.kind(), g.start(), s.endTime) : g;
            clipped.add(c);
            totals.computeIfAbsent(c.worker(), k -> new double[3])[c.kind().ordinal()] += c.seconds();
        }
        s.timeline.clear();
        s.timeline.addAll(clipped);
        List<RunResult.Worker> stats = new ArrayList<>();
        for (SimWorker w : s.workers.values()) {
            double[] t = totals.getOrDefault(w.name(), new double[3]);
            stats.add(new RunResult.Worker(w.name(), t[0], t[1], t[2], w.steps, w.tokens, w.bytesUp, w.bytesDown));
        }
        return stats;
    }
}
