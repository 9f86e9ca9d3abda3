package org.diloco4j.sim;

import org.diloco4j.core.coord.CoordinatorConfig;
import org.diloco4j.core.coord.Method;
import org.diloco4j.core.coord.Metric;
import org.diloco4j.core.coord.ShardPlan;
import org.diloco4j.core.optim.OuterOptimizerConfig;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The asynchronous-DiLoCo paper's ordering on four very heterogeneous workers (the public toy's
 * 0.58, 0.75, 1.51, 3.33 s/step), same token budget and seed for every method, paper defaults
 * (outer η = 0.7, μ = 0.9, DN buffer N = k = 4, c = 0):
 * <ul>
 *   <li>Delayed Nesterov + DyLU finishes the budget in about a third of sync DiLoCo's simulated
 *       time (nobody waits for the 3.33 s/step worker) at nearly the same loss;</li>
 *   <li>naive async Nesterov, where each arrival is a full momentum step, is far worse.</li>
 * </ul>
 * Margins: the paper reports DN+DyLU at −0.5% perplexity vs sync and naive async at +7.1%. This
 * toy converges to a noise floor within the budget, where stale asynchronous updates settle a
 * little above sync's floor: across seeds 13–15 DN+DyLU's loss was 6–7% above sync's (measured
 * when this test was written; with N = 2k it was 2–4% below), and naive async 20× above. The test
 * allows 10% for DN+DyLU and asks naive async to be at least 2× sync. Losses are the mean of the
 * last five evaluations, to average out the floor's noise.
 */
class HeterogeneousOrderingTest {
    static final double[] SPEEDS = {0.58, 0.75, 1.51, 3.33};
    static final int H = 20;
    static final long BUDGET = 4L * H * 16 * 60; // 60 sync rounds of 4 workers × H steps × batch 16
    static final ShardPlan LEAST_SAMPLED = ShardPlan.leastSampled(1000, 1000, 1000, 1000);

    static ToyRun run(CoordinatorConfig cc) {
        SimConfig sim = new SimConfig(ToyRun.workers(LinkProfile.mbps(100, 100, 50), SPEEDS), List.of(), 21, 30, 4000, 0);
        return new ToyRun(4, 1.0, 13).run(sim, cc, 16, 0.001);
    }

    static CoordinatorConfig.Builder base() {
        return CoordinatorConfig.builder().innerSteps(H).minWorkers(4).shards(ToyRun.equalShards(4)).tokenBudget(BUDGET);
    }

    static double tailLoss(ToyRun r) {
        List<Metric.Eval> evals = r.metrics(Metric.Eval.class);
        return evals.subList(evals.size() - 5, evals.size()).stream().mapToDouble(Metric.Eval::loss).average().orElseThrow();
    }

    @Test
    void delayedNesterovWithDyluMatchesSyncSoonerAndNaiveAsyncIsWorse() {
        ToyRun sync = run(base().method(Method.DILOCO).build());
        // Asynchronous workers take the most under-sampled shard each time (the paper's data rule),
        // so fast workers do not over-sample one shard.
        ToyRun naive = run(base().method(Method.ASYNC).outer(OuterOptimizerConfig.nesterov(0.7, 0.9)).shards(LEAST_SAMPLED).build());
        ToyRun dn = run(base().method(Method.ASYNC_DN_DYLU).outer(OuterOptimizerConfig.delayedNesterov(0.7, 0.9, 4, 0))
                .dylu(true).shards(LEAST_SAMPLED).build());
        double s = tailLoss(sync);
        double n = tailLoss(naive);
        double d = tailLoss(dn);

        assertThat(naive.result.tokens()).isGreaterThanOrEqualTo(BUDGET);
        assertThat(dn.result.tokens()).isGreaterThanOrEqualTo(BUDGET);
        assertThat(s).isLessThan(0.2 * sync.result.initialEval().loss());
        assertThat(d).isLessThan(1.10 * s);
        assertThat(dn.result.simulatedSeconds()).isLessThan(0.4 * sync.result.simulatedSeconds());
        assertThat(n).isGreaterThan(2 * s);
        assertThat(n).isGreaterThan(2 * d);
    }
}
