package org.diloco4j.app.run;

import org.diloco4j.core.io.AtomicFiles;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.diloco4j.sim.SimResult;
import org.diloco4j.sim.WorkerStats;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * summary.json: the totals of a run (see docs/run-directory.md).
 *
 * @param initialEvalBpb     held-out bits per byte before training (NaN when unknown)
 * @param finalEvalBpb       held-out bits per byte at the end (NaN when unknown)
 * @param ddpBytesEquivalent bytes data-parallel training would have moved for the same tokens with
 *                           the same workers: one fp32 ring all-reduce (2(k−1)·4|θ| bytes in total)
 *                           per step of the global batch
 */
public record Summary(String method, int workers, long modelParams, long outerSteps, long innerSteps, long tokens,
                      double initialEvalLoss, double finalEvalLoss, double initialEvalBpb, double finalEvalBpb,
                      long bytesUp, long bytesDown, long ddpBytesEquivalent,
                      double simulatedSeconds, double wallSeconds, double computeUtilization, String stopReason,
                      Map<Long, Long> staleness, List<WorkerStats> workerStats) {

    public double finalEvalPpl() {
        return Math.exp(finalEvalLoss);
    }

    public long bytesTotal() {
        return bytesUp + bytesDown;
    }

    /** Builds the summary of a finished simulation. */
    public static Summary of(String method, long params, int tokensPerWorkerStep, SimResult r, double wallSeconds) {
        long steps = 0;
        for (WorkerStats w : r.workers()) steps += w.steps();
        int k = r.workers().size();
        long globalSteps = k == 0 ? 0 : r.tokens() / Math.max(1, (long) tokensPerWorkerStep * k);
        long ddp = globalSteps * 2L * (k - 1) * 4L * params;
        return new Summary(method, k, params, r.outerSteps(), steps, r.tokens(),
                r.initialEval() == null ? Double.NaN : r.initialEval().loss(),
                r.finalEval() == null ? Double.NaN : r.finalEval().loss(),
                r.initialEval() == null ? Double.NaN : r.initialEval().bitsPerByte(),
                r.finalEval() == null ? Double.NaN : r.finalEval().bitsPerByte(),
                r.bytesUp(), r.bytesDown(), ddp, r.simulatedSeconds(), wallSeconds, r.computeUtilization(), r.stopReason(),
                r.staleness(), r.workers());
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("method", method);
        m.put("workers", workers);
        m.put("model_params", modelParams);
        m.put("outer_steps", outerSteps);
        m.put("inner_steps", innerSteps);
        m.put("tokens", tokens);
        m.put("initial_eval_loss", finite(initialEvalLoss));
        m.put("final_eval_loss", finite(finalEvalLoss));
        m.put("final_eval_ppl", finite(finalEvalPpl()));
        m.put("initial_eval_bpb", finite(initialEvalBpb));
        m.put("final_eval_bpb", finite(finalEvalBpb));
        m.put("bytes_up", bytesUp);
        m.put("bytes_down", bytesDown);
        m.put("ddp_bytes_equivalent", ddpBytesEquivalent);
        m.put("simulated_seconds", simulatedSeconds);
        m.put("wall_seconds", wallSeconds);
        m.put("compute_utilization", computeUtilization);
        m.put("stop_reason", stopReason);
        Map<String, Long> hist = new LinkedHashMap<>();
        staleness.forEach((k, v) -> hist.put(Long.toString(k), v));
        m.put("staleness_histogram", hist);
        List<Map<String, Object>> ws = new ArrayList<>();
        for (WorkerStats w : workerStats) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("name", w.name());
            x.put("compute_seconds", w.computeSeconds());
            x.put("communicate_seconds", w.communicateSeconds());
            x.put("idle_seconds", w.idleSeconds());
            x.put("utilization", w.utilization());
            x.put("steps", w.steps());
            x.put("tokens", w.tokens());
            x.put("bytes_up", w.bytesUp());
            x.put("bytes_down", w.bytesDown());
            ws.add(x);
        }
        m.put("worker_stats", ws);
        return m;
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    public void write(Path file) throws IOException {
        byte[] json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(toJson());
        AtomicFiles.write(file, json);
    }
}
