package org.diloco4j.core.run;

import org.diloco4j.core.train.EvalResult;

import java.util.List;
import java.util.SortedMap;

/**
 * What a finished run did, whichever driver ran it: the simulator maps its {@code SimResult} to
 * this, the network runtime its totals; summary.json is built from it.
 *
 * @param simulatedSeconds virtual seconds from start to stop; 0 for a networked run (nothing was simulated)
 * @param outerSteps       outer updates applied
 * @param tokens           tokens trained by all workers
 * @param bytesUp          bytes sent to the coordinator (pseudo-gradients)
 * @param bytesDown        bytes sent by the coordinator (θ and fragments)
 * @param staleness        how many applied contributions had each staleness
 * @param workers          per-worker totals, in order of first appearance
 * @param initialEval      evaluation of θ before training (null without an evaluator)
 * @param finalEval        evaluation of θ at the end (null without an evaluator)
 * @param stopReason       why the run ended
 */
public record RunResult(double simulatedSeconds, long outerSteps, long tokens, long bytesUp, long bytesDown,
                        SortedMap<Long, Long> staleness, List<Worker> workers, EvalResult initialEval,
                        EvalResult finalEval, String stopReason) {
    public RunResult {
        workers = List.copyOf(workers);
    }

    /**
     * One worker's totals, as its driver measured them.
     *
     * @param computeSeconds     seconds spent computing inner steps
     * @param communicateSeconds seconds waiting on its own transfers
     * @param idleSeconds        seconds waiting on others
     * @param steps              inner steps run
     * @param tokens             tokens trained
     * @param bytesUp            bytes this worker sent
     * @param bytesDown          bytes it received
     */
    public record Worker(String name, double computeSeconds, double communicateSeconds, double idleSeconds,
                         long steps, long tokens, long bytesUp, long bytesDown) {
        /** Share of the worker's time in the run spent computing. */
        public double utilization() {
            double total = computeSeconds + communicateSeconds + idleSeconds;
            return total > 0 ? computeSeconds / total : 0;
        }
    }

    /** Compute utilization of the whole run: compute seconds over worker-seconds present. */
    public double computeUtilization() {
        double c = 0;
        double all = 0;
        for (Worker w : workers) {
            c += w.computeSeconds();
            all += w.computeSeconds() + w.communicateSeconds() + w.idleSeconds();
        }
        return all > 0 ? c / all : 0;
    }
}
