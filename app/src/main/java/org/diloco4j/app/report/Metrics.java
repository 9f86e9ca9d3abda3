package org.diloco4j.app.report;

import java.util.List;
import java.util.Optional;
import org.diloco4j.app.run.EventType;
import org.diloco4j.app.run.RunStart;
import org.diloco4j.app.run.Sample;
import org.diloco4j.core.coord.Metric.Decision;
import org.diloco4j.core.coord.Metric.Eval;
import org.diloco4j.core.coord.Metric.OuterStep;
import org.diloco4j.core.coord.Metric.TrainLoss;
import org.diloco4j.core.run.Segment;

/**
 * The events of {@code metrics.jsonl}, split by type and kept in file order, as the records the
 * jobs wrote them from ({@link EventType}). Times are seconds of the run's clock (simulated seconds
 * for the simulator, wall seconds for the network runtime).
 */
public record Metrics(
        Optional<RunStart> runStart,
        List<OuterStep> outerSteps,
        List<Decision> decisions,
        List<Eval> evals,
        List<TrainLoss> trainLosses,
        List<Segment> segments,
        List<Sample> samples) {

    public Metrics {
        outerSteps = List.copyOf(outerSteps);
        decisions = List.copyOf(decisions);
        evals = List.copyOf(evals);
        trainLosses = List.copyOf(trainLosses);
        segments = List.copyOf(segments);
        samples = List.copyOf(samples);
    }

    /** Events without text samples. */
    public Metrics(Optional<RunStart> runStart, List<OuterStep> outerSteps, List<Decision> decisions, List<Eval> evals,
                   List<TrainLoss> trainLosses, List<Segment> segments) {
        this(runStart, outerSteps, decisions, evals, trainLosses, segments, List.of());
    }

    /** The last outer step recorded, if any. */
    public Optional<OuterStep> lastOuterStep() {
        return outerSteps.isEmpty() ? Optional.empty() : Optional.of(outerSteps.get(outerSteps.size() - 1));
    }

    /** The clock run_start names, if it names one this version knows. */
    public Optional<org.diloco4j.app.run.RunClock> clock() {
        return runStart.map(RunStart::clock);
    }

    /** Bytes an evaluation's coordinator had moved in both directions. */
    static long bytesTotal(Eval e) {
        return e.bytesUp() + e.bytesDown();
    }
}
