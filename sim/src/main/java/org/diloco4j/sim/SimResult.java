package org.diloco4j.sim;

import org.diloco4j.core.run.RunResult;
import org.diloco4j.core.run.Segment;
import org.diloco4j.core.train.EvalResult;

import java.util.List;
import java.util.SortedMap;

/**
 * What a simulated run did: the driver-neutral {@link RunResult} ({@link #toRunResult()}) plus the
 * simulator's own detail, the timeline.
 *
 * @param simulatedSeconds virtual wall time from start to stop
 * @param outerSteps       outer updates applied
 * @param tokens           tokens trained by all workers
 * @param bytesUp          bytes sent to the coordinator (pseudo-gradients)
 * @param bytesDown        bytes sent by the coordinator (θ and fragments)
 * @param staleness        async: how many contributions had each staleness
 * @param workers          per-worker totals, in order of first appearance
 * @param timeline         every worker's activity segments
 * @param initialEval      evaluation of θ before training (null without an evaluator)
 * @param finalEval        evaluation of θ at the end (null without an evaluator)
 * @param stopReason       why the run ended
 */
public record SimResult(double simulatedSeconds, long outerSteps, long tokens, long bytesUp, long bytesDown,
                        SortedMap<Long, Long> staleness, List<RunResult.Worker> workers, List<Segment> timeline,
                        EvalResult initialEval, EvalResult finalEval, String stopReason) {
    /** Compute utilization of the whole run: compute seconds over worker-seconds present. */
    public double computeUtilization() {
        return toRunResult().computeUtilization();
    }

    /** The totals every driver reports, from which summary.json is built. */
    public RunResult toRunResult() {
        return new RunResult(simulatedSeconds, outerSteps, tokens, bytesUp, bytesDown, staleness, workers, initialEval, finalEval,
                stopReason);
    }
}
