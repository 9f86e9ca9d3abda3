package org.diloco4j.sim;

import org.diloco4j.core.run.RunResult;
import org.diloco4j.core.agg.WeightingConfig;
import org.diloco4j.core.codec.Codecs;
import org.diloco4j.core.coord.BufferClose;
import org.diloco4j.core.coord.Command;
import org.diloco4j.core.coord.CoordinatorConfig;
import org.diloco4j.core.coord.Event;
import org.diloco4j.core.coord.Method;
import org.diloco4j.core.coord.Metric;
import org.diloco4j.core.coord.Payload;
import org.diloco4j.core.optim.OuterOptimizer;
import org.diloco4j.core.optim.OuterOptimizerConfig;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class AsyncSimulationTest {
    private static final LinkProfile LINK = LinkProfile.mbps(100, 100, 20);

    /**
     * Equal speeds: every round's k pseudo-gradients arrive together (same compute time, same
     * links). Delayed Nesterov with N = k applied one by one then equals synchronous Nesterov on
     * their mean, and the grace period restarts every worker from that same θ — so async DiLoCo
     * reproduces sync DiLoCo (uniform weights). Equal up to fp32 rounding of the two summation orders.
     */
    @Test
    void equalSpeedsWithGracePeriodReproduceSyncDiloco() {
        int k = 3;
        SimConfig sim = SimConfig.of(ToyRun.workers(LINK, 1, 1, 1), 11);
        CoordinatorConfig sync = CoordinatorConfig.builder().method(Method.DILOCO).innerSteps(8).minWorkers(k)
                .weighting(WeightingConfig.uniform()).shards(ToyRun.equalShards(k)).maxOuterSteps(6).build();
        CoordinatorConfig async = CoordinatorConfig.builder().method(Method.ASYNC_DN_DYLU).innerSteps(8).minWorkers(k)
                .outer(OuterOptimizerConfig.delayedNesterov(0.7, 0.9, k, 0)).graceSeconds(0.5)
                .shards(ToyRun.equalShards(k)).maxOuterSteps(6L * k).build();
        ToyRun s = new ToyRun(k, 1, 3).run(sim, sync, 16, 0.02);
        ToyRun a = new ToyRun(k, 1, 3).run(sim, async, 16, 0.02);

        assertThat(a.result.outerSteps()).isEqualTo(6L * k);
        // Every restart after a grace window starts from one θ version shared by all k workers.
        List<Command.Train> trains = a.commands(Command.Train.class);
        for (int r = 0; r < trains.size() / k; r++) {
            assertThat(trains.subList(r * k, r * k + k)).extracting(Command.Train::version).containsOnly(trains.get(r * k).version());
        }
        for (int i = 0; i < s.theta.length; i++) {
            assertThat(a.theta[i]).as("θ[%d]", i).isCloseTo(s.theta[i], within(1e-5f + 1e-5f * Math.abs(s.theta[i])));
        }
        assertThat(a.finalLoss()).isCloseTo(s.finalLoss(), within(1e-4 * s.finalLoss()));
        assertThat(s.finalLoss()).isLessThan(0.5 * s.result.initialEval().loss());
    }

    /** The coordinator inside the simulator applies exactly the core Delayed Nesterov to the arrivals, in arrival order. */
    @Test
    void delayedNesterovInTheSimulatorEqualsTheCoreOptimizer() {
        int k = 4;
        OuterOptimizerConfig dn = OuterOptimizerConfig.delayedNesterov(0.7, 0.9, k, 0.1);
        SimConfig sim = SimConfig.of(ToyRun.workers(LINK, 0.58, 0.75, 1.51, 3.33), 5);
        CoordinatorConfig cc = CoordinatorConfig.builder().method(Method.ASYNC_DN_DYLU).innerSteps(10).outer(dn)
                .dylu(true).shards(ToyRun.equalShards(k)).maxOuterSteps(30).build();
        ToyRun run = new ToyRun(k, 1, 9).run(sim, cc, 16, 0.02);

        OuterOptimizer reference = dn.create(run.problem.size());
        float[] theta = new float[run.problem.size()];
        for (Event.Delta d : run.events(Event.Delta.class)) {
            byte[] bytes = ((Payload.Bytes) d.payload()).data();
            reference.step(theta, Codecs.parse("fp32").decode(bytes, theta.length));
        }
        assertThat(run.events(Event.Delta.class)).hasSize(30);
        assertThat(run.theta).isEqualTo(theta);
    }

    /**
     * A buffer closed by the grace window: every window's pseudo-gradients are summed and applied as
     * one Nesterov step on Σ g / N, and the window's workers restart from the result — checked
     * against OuterNesterov replaying the same arrivals, window by window, with four workers of
     * different speeds whose windows hold different numbers of arrivals.
     */
    @Test
    void aWindowClosedBufferIsOneNesterovStepOnTheWindowsSumOverN() {
        int k = 4;
        SimConfig sim = SimConfig.of(ToyRun.workers(LINK, 0.58, 0.75, 1.51, 3.33), 5);
        CoordinatorConfig cc = CoordinatorConfig.builder().method(Method.ASYNC_DN_DYLU).innerSteps(10)
                .outer(OuterOptimizerConfig.delayedNesterov(0.7, 0.9, k, 0)).dylu(true).graceSeconds(1.0)
                .bufferClose(BufferClose.WINDOW).shards(ToyRun.equalShards(k)).maxOuterSteps(12).build();
        ToyRun run = new ToyRun(k, 1, 9).run(sim, cc, 16, 0.02);

        OuterOptimizer nesterov = OuterOptimizerConfig.nesterov(0.7, 0.9).create(run.problem.size());
        float[] theta = new float[run.problem.size()];
        float[] sum = new float[theta.length];
        int inWindow = 0;
        List<Integer> sizes = new java.util.ArrayList<>();
        for (Event e : run.events) {
            if (e instanceof Event.Delta d) {
                float[] g = Codecs.parse("fp32").decode(((Payload.Bytes) d.payload()).data(), theta.length);
                for (int i = 0; i < g.length; i++) sum[i] += g[i];
                inWindow++;
            } else if (e instanceof Event.Timer && inWindow > 0) {
                for (int i = 0; i < sum.length; i++) sum[i] *= 1f / k;
                nesterov.step(theta, sum);
                sizes.add(inWindow);
                sum = new float[theta.length];
                inWindow = 0;
            }
        }
        assertThat(run.result.outerSteps()).isEqualTo(12);
        assertThat(run.metrics(Metric.OuterStep.class)).extracting(o -> o.contributors().size()).isEqualTo(sizes);
        assertThat(sizes).as("windows of different sizes").contains(1).anyMatch(n -> n > 1);
        for (int i = 0; i < theta.length; i++) {
            assertThat(run.theta[i]).as("θ[%d]", i).isCloseTo(theta[i], within(1e-6f + 1e-6f * Math.abs(theta[i])));
        }
        // Every worker a window releases restarts from that window's θ.
        List<Command.Train> trains = run.commands(Command.Train.class);
        List<Double> times = run.commandTimes;
        java.util.Map<Double, java.util.Set<Long>> versionsAt = new java.util.HashMap<>();
        for (int c = 0; c < run.commands.size(); c++) {
            if (run.commands.get(c) instanceof Command.Train tr) versionsAt.computeIfAbsent(times.get(c), x -> new java.util.HashSet<>()).add(tr.version());
        }
        assertThat(versionsAt.values()).allMatch(v -> v.size() == 1);
        assertThat(trains).isNotEmpty();
    }

    /**
     * Speeds whose DyLU assignments all last exactly the fastest worker's 12 s (24, 16, 12 and 4
     * steps): before speeds are measured everyone gets H and they arrive far apart, in windows of
     * their own. DyLU then makes every assignment the same length, so the phases stay as they are:
     * without realignment the workers keep meeting in windows of one to three for the whole run.
     * With it, a worker restarting while a larger group trains is given the steps that land it in
     * that group's next window, and the run ends in windows of all four.
     */
    @Test
    void workersOutOfPhaseAreRealignedIntoOneWindow() {
        int k = 4;
        for (boolean realign : new boolean[] {false, true}) {
            CoordinatorConfig cc = CoordinatorConfig.builder().method(Method.ASYNC_DN_DYLU).innerSteps(24)
                    .outer(OuterOptimizerConfig.delayedNesterov(0.7, 0.9, k, 0)).dylu(true).graceShare(0.5)
                    .bufferClose(BufferClose.WINDOW).realign(realign).shards(ToyRun.equalShards(k)).maxOuterSteps(24).build();
            ToyRun run = new ToyRun(k, 1, 9).run(SimConfig.of(ToyRun.workers(LINK, 0.5, 0.75, 1.0, 3.0), 5), cc, 8, 0.02);
            List<Integer> sizes = run.metrics(Metric.OuterStep.class).stream().map(o -> o.contributors().size()).toList();
            List<Integer> late = sizes.subList(sizes.size() - 12, sizes.size());
            if (realign) {
                assertThat(late).as("window sizes, realigned: %s", sizes).containsOnly(k);
            } else {
                assertThat(late).as("window sizes, not realigned: %s", sizes).doesNotContain(k);
            }
        }
    }

    /** DyLU: after one measured round, each worker's steps are floor(v / v_max · H). */
    @Test
    void dynamicLocalUpdatesScaleStepsWithMeasuredSpeed() {
        int k = 3;
        SimConfig sim = SimConfig.of(ToyRun.workers(LINK, 1, 2, 4), 5);
        CoordinatorConfig cc = CoordinatorConfig.builder().method(Method.ASYNC_DN_DYLU).innerSteps(20)
                .outer(OuterOptimizerConfig.delayedNesterov(0.7, 0.9, k, 0)).dylu(true).minInnerSteps(2)
                .shards(ToyRun.equalShards(k)).maxOuterSteps(12).build();
        ToyRun run = new ToyRun(k, 1, 9).run(sim, cc, 8, 0.02);
        List<Command.Train> trains = run.commands(Command.Train.class);
        // First assignment: speeds unknown → H for everyone.
        assertThat(trains.subList(0, 3)).extracting(Command.Train::steps).containsOnly(20);
        // Once all three have reported, steps are 20, 10 and 5 (speeds 1, 1/2, 1/4 steps/s).
        int[] last = new int[k];
        for (Command.Train t : trains) last[t.member()] = t.steps();
        assertThat(last).containsExactly(20, 10, 5);
        // Everyone then finishes in about the same simulated time: 20 s of compute per round.
        for (RunResult.Worker w : run.result.workers()) assertThat(w.steps()).isGreaterThan(0);
    }
}
