package org.diloco4j.app.report;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.diloco4j.app.run.RunClock;
import org.diloco4j.app.run.RunStart;
import org.diloco4j.app.run.Summary;
import org.diloco4j.core.coord.Metric.Eval;
import org.diloco4j.core.coord.Metric.OuterStep;
import org.diloco4j.core.coord.Metric.TrainLoss;
import org.diloco4j.core.coord.Metric;
import org.diloco4j.core.run.Segment;

/**
 * The totals of a run that has not written {@code summary.json} (still going, stopped, or killed),
 * as far as its events tell: counts and losses up to the last event, staleness from the outer
 * steps. What only the end of a run knows is left out: the data-parallel byte equivalent (0), the
 * per-worker totals (none), the stop reason (empty).
 */
final class ProvisionalSummary {
    private ProvisionalSummary() {
    }

    static Summary of(Metrics m) {
        String method = m.runStart().map(RunStart::method).orElse("unknown method");
        Set<String> workers = new LinkedHashSet<>();
        m.runStart().ifPresent(rs -> rs.workers().forEach(w -> workers.add(w.name())));
        Map<String, Long> steps = new HashMap<>();
        for (TrainLoss t : m.trainLosses()) {
            workers.add(t.worker());
            steps.merge(t.worker(), t.step(), Math::max);
        }
        m.segments().forEach(s -> workers.add(s.worker()));

        OuterStep last = m.lastOuterStep().orElse(null);
        List<Eval> evals = m.evals();
        Eval first = evals.isEmpty() ? null : evals.get(0);
        Eval latest = evals.isEmpty() ? null : evals.get(evals.size() - 1);
        long tokens = Math.max(last == null ? 0 : last.tokens(), latest == null ? 0 : latest.tokens());
        long up = Math.max(last == null ? 0 : last.bytesUp(), latest == null ? 0 : latest.bytesUp());
        long down = Math.max(last == null ? 0 : last.bytesDown(), latest == null ? 0 : latest.bytesDown());

        TreeMap<Long, Long> staleness = new TreeMap<>();
        for (OuterStep o : m.outerSteps()) {
            o.staleness().forEach(s -> staleness.merge(s, 1L, Long::sum));
        }
        double end = endTime(m);
        boolean simulated = simulated(m);
        return new Summary(method, workers.size(), null, m.runStart().map(RunStart::modelParams).orElse(-1L),
                last == null ? 0 : last.step(), steps.values().stream().mapToLong(Long::longValue).sum(), tokens,
                first == null ? Double.NaN : first.loss(), latest == null ? Double.NaN : latest.loss(),
                latest == null ? Double.NaN : latest.perplexity(), first == null ? Double.NaN : first.bitsPerByte(),
                latest == null ? Double.NaN : latest.bitsPerByte(), up, down, 0, simulated ? end : 0, simulated ? Double.NaN : end,
                utilization(m.segments()), "", staleness, List.of());
    }

    /** Simulated unless run_start says otherwise; files without a clock are simulated when they profile machines. */
    static boolean simulated(Metrics m) {
        return m.clock().map(c -> c == RunClock.SIMULATED)
                .orElse(m.runStart().map(rs -> rs.workers().stream().anyMatch(w -> Double.isFinite(w.secondsPerStep()))).orElse(false));
    }

    /** The time of the last event recorded. */
    static double endTime(Metrics m) {
        double t = 0;
        for (OuterStep o : m.outerSteps()) {
            t = Math.max(t, o.time());
        }
        for (Eval e : m.evals()) {
            t = Math.max(t, e.time());
        }
        for (TrainLoss l : m.trainLosses()) {
            t = Math.max(t, l.time());
        }
        for (Metric.Decision d : m.decisions()) {
            t = Math.max(t, d.time());
        }
        for (Segment s : m.segments()) {
            t = Math.max(t, s.end());
        }
        return t;
    }

    /** Compute time over all time of the workers' timelines, overlaps resolved as the timeline draws them. */
    private static double utilization(List<Segment> segments) {
        double compute = 0;
        double total = 0;
        for (List<Segments.Span> spans : Segments.mergeByWorker(segments).values()) {
            Map<Segment.Kind, Double> t = Segments.totals(spans);
            compute += t.get(Segment.Kind.COMPUTE);
            total += t.values().stream().mapToDouble(Double::doubleValue).sum();
        }
        return total > 0 ? compute / total : Double.NaN;
    }
}
