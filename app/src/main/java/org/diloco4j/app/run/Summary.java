package org.diloco4j.app.run;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.diloco4j.core.io.AtomicFiles;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.diloco4j.core.coord.RingAllReduce;
import org.diloco4j.core.run.RunResult;
import org.diloco4j.core.train.EvalResult;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * summary.json: the totals of a run (see docs/run-directory.md). The one definition of the file: the
 * jobs write it and the report reads it through this record ({@link RunJson}: each component is a
 * field, in snake_case). Losses, perplexity and bits per byte are NaN (null in the file) when the
 * run ended before its first evaluation; bits per byte also in files written before they were
 * recorded, which is why they alone may be absent.
 *
 * @param workers            worker processes (by name) that took part: in a networked run, every one admitted
 * @param contributingWorkers of those, how many had at least one pseudo-gradient applied (networked runs;
 *                           null for a simulated run, and in files written before it was recorded)
 * @param finalEvalPpl       the exponential of {@code finalEvalLoss}
 * @param ddpBytesEquivalent bytes data-parallel training would have moved for the same tokens with
 *                           the same workers: one fp32 ring all-reduce (2(k−1)·4|θ| bytes in total)
 *                           per step of the global batch
 * @param simulatedSeconds   virtual seconds of a simulated run; 0 for a networked one
 * @param stalenessHistogram outer steps behind → number of pseudo-gradients applied with that staleness
 */
public record Summary(
        @JsonProperty(required = true) String method,
        @JsonProperty(required = true) int workers,
        Integer contributingWorkers,
        @JsonProperty(required = true) long modelParams,
        @JsonProperty(required = true) long outerSteps,
        @JsonProperty(required = true) long innerSteps,
        @JsonProperty(required = true) long tokens,
        @JsonProperty(required = true) double initialEvalLoss,
        @JsonProperty(required = true) double finalEvalLoss,
        @JsonProperty(required = true) double finalEvalPpl,
        double initialEvalBpb,
        double finalEvalBpb,
        @JsonProperty(required = true) long bytesUp,
        @JsonProperty(required = true) long bytesDown,
        @JsonProperty(required = true) long ddpBytesEquivalent,
        @JsonProperty(required = true) double simulatedSeconds,
        @JsonProperty(required = true) double wallSeconds,
        @JsonProperty(required = true) double computeUtilization,
        @JsonProperty(required = true) String stopReason,
        @JsonProperty(required = true) SortedMap<Long, Long> stalenessHistogram,
        @JsonProperty(required = true) List<WorkerStats> workerStats) {

    public Summary {
        stalenessHistogram = Collections.unmodifiableSortedMap(new TreeMap<>(stalenessHistogram));
        workerStats = List.copyOf(workerStats);
    }

    /** Per-worker totals of one run. */
    public record WorkerStats(
            @JsonProperty(required = true) String name,
            @JsonProperty(required = true) double computeSeconds,
            @JsonProperty(required = true) double communicateSeconds,
            @JsonProperty(required = true) double idleSeconds,
            @JsonProperty(required = true) double utilization,
            @JsonProperty(required = true) long steps,
            @JsonProperty(required = true) long tokens,
            @JsonProperty(required = true) long bytesUp,
            @JsonProperty(required = true) long bytesDown) {

        static WorkerStats of(RunResult.Worker w) {
            return new WorkerStats(w.name(), w.computeSeconds(), w.communicateSeconds(), w.idleSeconds(), w.utilization(),
                    w.steps(), w.tokens(), w.bytesUp(), w.bytesDown());
        }
    }

    /** This summary with the count of workers that contributed (a networked run knows it). */
    public Summary withContributingWorkers(int n) {
        return new Summary(method, workers, n, modelParams, outerSteps, innerSteps, tokens, initialEvalLoss, finalEvalLoss, finalEvalPpl,
                initialEvalBpb, finalEvalBpb, bytesUp, bytesDown, ddpBytesEquivalent, simulatedSeconds, wallSeconds, computeUtilization,
                stopReason, stalenessHistogram, workerStats);
    }

    /** Bytes that crossed the network in both directions. */
    public long bytesTotal() {
        return bytesUp + bytesDown;
    }

    /**
     * The summary of a finished run, whichever driver ran it.
     *
     * @param tokensPerWorkerStep tokens one worker trains in one inner step (for the data-parallel equivalent)
     * @param wallSeconds         real seconds the run took (for a networked run, its clock)
     */
    public static Summary of(String method, long params, int tokensPerWorkerStep, RunResult r, double wallSeconds) {
        long steps = 0;
        // Saturating: the figures are the workers' own, and a sum past Long.MAX_VALUE must not turn negative.
        for (RunResult.Worker w : r.workers()) steps = Math.max(0, w.steps()) > Long.MAX_VALUE - steps ? Long.MAX_VALUE : steps + Math.max(0, w.steps());
        int k = r.workers().size();
        long globalSteps = k == 0 ? 0 : r.tokens() / Math.max(1, (long) tokensPerWorkerStep * k);
        long ddp = globalSteps * new RingAllReduce(k, params).networkBytes();
        double finalLoss = loss(r.finalEval());
        return new Summary(method, k, null, params, r.outerSteps(), steps, r.tokens(),
                loss(r.initialEval()), finalLoss, Math.exp(finalLoss), bpb(r.initialEval()), bpb(r.finalEval()),
                r.bytesUp(), r.bytesDown(), ddp, r.simulatedSeconds(), wallSeconds, r.computeUtilization(), r.stopReason(),
                r.staleness(), r.workers().stream().map(WorkerStats::of).toList());
    }

    private static double loss(EvalResult e) {
        return e == null ? Double.NaN : e.loss();
    }

    private static double bpb(EvalResult e) {
        return e == null ? Double.NaN : e.bitsPerByte();
    }

    /** Writes summary.json atomically, indented for people. */
    public void write(Path file) throws IOException {
        AtomicFiles.write(file, RunJson.MAPPER.writer(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(this));
    }
}
