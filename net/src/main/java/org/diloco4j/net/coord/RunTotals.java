package org.diloco4j.net.coord;

import org.diloco4j.core.params.Fp32Vector;
import org.diloco4j.core.run.RunResult;
import org.diloco4j.core.train.EvalResult;
import org.diloco4j.net.wire.WireCounter;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * How a networked run ended.
 *
 * @param finished    true if training reached its end (token budget, step limit); false if the
 *                    coordinator was stopped with a checkpoint to continue from
 * @param stopReason  why it ended
 * @param seconds     the run's clock at the end (wall seconds, across restarts)
 * @param outerSteps  outer updates applied
 * @param tokens      tokens trained by all workers
 * @param bytesUp     pseudo-gradient bytes received, by the coordinator's ledger (encoded sizes)
 * @param bytesDown   θ bytes sent, by the ledger
 * @param staleness   how many applied contributions had each staleness
 * @param workers     per worker process, in order of first appearance
 * @param contributingWorkers how many of {@code workers} (by name) had at least one pseudo-gradient applied
 * @param initialEval held-out loss of θ before training (null without an evaluator)
 * @param finalEval   held-out loss of the final θ (null without an evaluator or if not finished)
 * @param wire        bytes the coordinator's gRPC server counted per method
 * @param theta       the final global θ: the coordinator's own, in its chunks, handed over rather than copied
 *                    (4 GB at 1B parameters) because nothing changes θ once the run is ending (pushes are refused then)
 * @param version     the version of that θ
 */
public record RunTotals(boolean finished, String stopReason, double seconds, long outerSteps, long tokens, long bytesUp,
                        long bytesDown, SortedMap<Long, Long> staleness, List<RunResult.Worker> workers, int contributingWorkers, EvalResult initialEval,
                        EvalResult finalEval, Map<String, WireCounter.Bytes> wire, Fp32Vector theta, long version) {

    /**
     * The totals of a runtime's state; workers that ran under one name (a restarted process) are added
     * up. The figures are the workers' own (checked by {@link Reports}); here they are also kept sane
     * whatever got through: counts saturate instead of overflowing, nothing is negative or non-finite.
     */
    static RunTotals of(RuntimeState st, boolean finished, String reason, double now, EvalResult last, WireCounter wire) {
        Map<String, RunResult.Worker> byName = new LinkedHashMap<>();
        for (RunResult.Worker w : st.workers.values()) {
            byName.merge(w.name(), sane(w), (a, b) -> new RunResult.Worker(a.name(), a.computeSeconds() + b.computeSeconds(),
                    a.communicateSeconds() + b.communicateSeconds(), a.idleSeconds() + b.idleSeconds(), Reports.plus(a.steps(), b.steps()),
                    Reports.plus(a.tokens(), b.tokens()), Reports.plus(a.bytesUp(), b.bytesUp()), Reports.plus(a.bytesDown(), b.bytesDown())));
        }
        java.util.Set<String> contributors = new java.util.HashSet<>();
        for (Map.Entry<String, Long> a : st.applied.entrySet()) {
            RunResult.Worker w = st.workers.get(a.getKey());
            if (w != null && a.getValue() > 0) contributors.add(w.name());
        }
        var c = st.coordinator;
        return new RunTotals(finished, reason, now, c.outerSteps(), c.tokens(), c.ledger().up(), c.ledger().down(),
                new TreeMap<>(st.staleness), List.copyOf(byName.values()), contributors.size(), st.initialEval, last, wire.totals(), c.thetaVector(),
                c.version());
    }

    private static RunResult.Worker sane(RunResult.Worker w) {
        return new RunResult.Worker(w.name(), seconds(w.computeSeconds()), seconds(w.communicateSeconds()), seconds(w.idleSeconds()),
                Math.max(0, w.steps()), Math.max(0, w.tokens()), Math.max(0, w.bytesUp()), Math.max(0, w.bytesDown()));
    }

    private static double seconds(double s) {
        return s >= 0 && s < Double.POSITIVE_INFINITY ? s : 0;
    }
}
