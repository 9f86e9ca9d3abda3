package org.diloco4j.sim;

import org.diloco4j.core.coord.BufferClose;
import org.diloco4j.core.coord.CoordinatorConfig;
import org.diloco4j.core.coord.Method;
import org.diloco4j.core.coord.DataShards;
import org.diloco4j.core.optim.OuterOptimizerConfig;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Toy-problem experiments behind the ordering test and EXPERIMENTS.md: the heterogeneous four
 * workers of {@link HeterogeneousOrderingTest}, every arm tuned over the same outer-lr grid on a
 * tuning held-out sample, then run over several seeds and reported on another held-out sample.
 * Prints each arm's tuning curve and a table. Run: {@code scripts/toy-sweep}.
 */
public final class ToySweep {
    static final double[] SPEEDS = HeterogeneousOrderingTest.SPEEDS;
    static final int H = HeterogeneousOrderingTest.H;
    static final long BUDGET = HeterogeneousOrderingTest.BUDGET;
    static final long TUNE_EVAL_SEED = 8;
    static final long REPORT_EVAL_SEED = 7;

    /** One configuration of the protocol, with its outer learning rate left open. */
    record Arm(String name, Method method, boolean dylu, int buffer, boolean leastSampled, boolean window) {
        Arm(String name, Method method, boolean dylu, int buffer, boolean leastSampled) {
            this(name, method, dylu, buffer, leastSampled, false);
        }

        CoordinatorConfig config(double lr) {
            OuterOptimizerConfig outer = switch (method) {
                case ASYNC_DN_DYLU -> OuterOptimizerConfig.delayedNesterov(lr, 0.9, buffer, 0);
                default -> OuterOptimizerConfig.nesterov(lr, 0.9);
            };
            CoordinatorConfig.Builder b = CoordinatorConfig.builder().innerSteps(H).minWorkers(4).tokenBudget(BUDGET).method(method).outer(outer)
                    .dylu(dylu).shards(leastSampled ? DataShards.leastSampled(1000, 1000, 1000, 1000) : ToyRun.equalShards(4));
            if (window) b.bufferClose(BufferClose.WINDOW).realign(dylu).graceShare(0.5);
            return b.build();
        }
    }

    /** Mean of the last five evaluations (the toy's floor is noisy), on the held-out sample {@code evalSeed}. */
    static double run(Arm arm, double lr, long seed, long evalSeed) {
        SimConfig sim = new SimConfig(ToyRun.workers(LinkProfile.mbps(100, 100, 50), SPEEDS), List.of(), 21 + seed, 30, 4000, 0);
        return HeterogeneousOrderingTest.tailLoss(new ToyRun(4, 1.0, seed).seeded(1000 + seed, evalSeed).run(sim, arm.config(lr), 16, 0.001));
    }

    public static void main(String[] args) {
        long[] tuneSeeds = {100, 101};
        long[] seeds = {10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21};
        double[] grid = {0.025, 0.05, 0.1, 0.175, 0.25, 0.35, 0.5, 0.7, 1.0, 1.4, 2.0};
        List<Arm> arms = List.of(
                new Arm("diloco", Method.DILOCO, false, 1, false),
                new Arm("async-naive", Method.ASYNC, false, 1, true),
                new Arm("async-naive-dylu", Method.ASYNC, true, 1, true),
                new Arm("dn-N4", Method.ASYNC_DN_DYLU, false, 4, true),
                new Arm("dn-dylu-N4", Method.ASYNC_DN_DYLU, true, 4, true),
                new Arm("dn-dylu-N8", Method.ASYNC_DN_DYLU, true, 8, true),
                new Arm("dn-dylu-window", Method.ASYNC_DN_DYLU, true, 4, true, true),
                new Arm("dn-dylu-window-own", Method.ASYNC_DN_DYLU, true, 4, false, true));
        double[] syncBySeed = null;
        System.out.printf(Locale.ROOT, "arm\tbest_lr\ttune_loss\tmean_ratio_vs_diloco\tsd\tmin\tmax\tratios%n");
        for (Arm arm : arms) {
            double bestLr = Double.NaN, best = Double.MAX_VALUE;
            StringBuilder curve = new StringBuilder();
            for (double lr : grid) {
                double l = 0;
                for (long ts : tuneSeeds) l += run(arm, lr, ts, TUNE_EVAL_SEED) / tuneSeeds.length;
                curve.append(String.format(Locale.ROOT, " %.3g:%.4f", lr, l));
                if (l < best) {
                    best = l;
                    bestLr = lr;
                }
            }
            System.out.println("# " + arm.name() + " tuning curve (outer lr: loss)" + curve);
            double[] loss = new double[seeds.length];
            for (int i = 0; i < seeds.length; i++) loss[i] = run(arm, bestLr, seeds[i], REPORT_EVAL_SEED);
            if (syncBySeed == null) syncBySeed = loss.clone();
            double[] ratio = new double[seeds.length];
            for (int i = 0; i < seeds.length; i++) ratio[i] = loss[i] / syncBySeed[i];
            double mean = Arrays.stream(ratio).average().orElseThrow();
            double sd = Math.sqrt(Arrays.stream(ratio).map(r -> (r - mean) * (r - mean)).sum() / (ratio.length - 1));
            StringBuilder rs = new StringBuilder();
            for (double r : ratio) rs.append(String.format(Locale.ROOT, "%.3f ", r));
            System.out.printf(Locale.ROOT, "%s\t%.3g\t%.5f\t%.3f\t%.3f\t%.3f\t%.3f\t%s%n", arm.name(), bestLr, best, mean, sd,
                    Arrays.stream(ratio).min().orElseThrow(), Arrays.stream(ratio).max().orElseThrow(), rs.toString().trim());
        }
    }
}
