package org.diloco4j.app.report;

import java.util.List;
import java.util.SortedMap;

/**
 * The totals of one run: {@code summary.json} of a run directory (see docs/run-directory.md).
 * Loss fields are NaN when the run ended before its first evaluation (written as null or "NaN");
 * bits per byte are NaN also in files written before they were recorded.
 *
 * @param stalenessHistogram outer steps behind → number of pseudo-gradients applied with that staleness
 */
public record Summary(
        String method,
        int workers,
        long modelParams,
        long outerSteps,
        long innerSteps,
        long tokens,
        double initialEvalLoss,
        double finalEvalLoss,
        double finalEvalPpl,
        double initialEvalBpb,
        double finalEvalBpb,
        long bytesUp,
        long bytesDown,
        long ddpBytesEquivalent,
        double simulatedSeconds,
        double wallSeconds,
        double computeUtilization,
        String stopReason,
        SortedMap<Integer, Long> stalenessHistogram,
        List<WorkerStats> workerStats) {

    public Summary {
        stalenessHistogram = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(stalenessHistogram));
        workerStats = List.copyOf(workerStats);
    }

    /** Bytes that crossed the network in both directions. */
    public long bytesTotal() {
        return bytesUp + bytesDown;
    }

    /** Per-worker totals of one run. */
    public record WorkerStats(
            String name,
            double computeSeconds,
            double communicateSeconds,
            double idleSeconds,
            double utilization,
            long steps,
            long tokens,
            long bytesUp,
            long bytesDown) {
    }
}
