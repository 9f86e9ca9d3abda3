package org.diloco4j.sim;

import org.diloco4j.core.coord.Command;
import org.diloco4j.core.coord.CoordinatorConfig;
import org.diloco4j.core.coord.Method;
import org.diloco4j.core.coord.Metric;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class FaultSimulationTest {
    private static final LinkProfile LINK = LinkProfile.mbps(100, 100, 20);

    /**
     * A worker crashes in the middle of round 2. The coordinator notices after the session timeout,
     * commits the round with the two survivors, and training goes on: no global state is lost
     * (versions continue, θ keeps improving, nothing from the dead worker is applied afterwards).
     */
    @Test
    void crashMidRoundCompletesTheRoundWithoutTheLostWorker() {
        int k = 3;
        // Rounds take ~10 s (10 steps at 1 s/step); w2 crashes at 15 s, inside round 2.
        SimConfig sim = new SimConfig(ToyRun.workers(LINK, 1, 1, 1), List.of(new Fault.Crash("w2", 15)), 4, 5, 0, 0);
        CoordinatorConfig cc = CoordinatorConfig.builder().method(Method.DILOCO).innerSteps(10).minWorkers(k)
                .shards(ToyRun.equalShards(k)).maxOuterSteps(5).build();
        ToyRun run = new ToyRun(k, 1, 2).run(sim, cc, 16, 0.02);

        List<Metric.OuterStep> steps = run.metrics(Metric.OuterStep.class);
        assertThat(steps).hasSize(5);
        assertThat(steps.get(0).contributors()).containsExactly(0, 1, 2);
        assertThat(steps.get(1).contributors()).containsExactly(0, 1);
        assertThat(steps.get(1).time()).isGreaterThanOrEqualTo(20.0); // waited for the session timeout (15 + 5)
        assertThat(steps).extracting(Metric.OuterStep::version).containsExactly(1L, 2L, 3L, 4L, 5L);
        for (Metric.OuterStep s : steps.subList(1, 5)) assertThat(s.contributors()).doesNotContain(2);
        assertThat(run.metrics(Metric.Decision.class)).anyMatch(d -> d.kind().label().equals("lost") && d.member() == 2
                && d.reason().contains("crashed"));
        assertThat(run.finalLoss()).isLessThan(run.result.initialEval().loss());
    }

    /** A worker joining mid-run gets the current θ, waits for the next round, and contributes from then on. */
    @Test
    void joinerStartsFromTheCurrentThetaAtTheNextRound() {
        WorkerSpec late = new WorkerSpec("late", DeviceProfile.of(1), LINK, 2);
        SimConfig sim = new SimConfig(ToyRun.workers(LINK, 1, 1), List.of(new Fault.Join(late, 25)), 4, 5, 0, 0);
        CoordinatorConfig cc = CoordinatorConfig.builder().method(Method.DILOCO).innerSteps(10).minWorkers(2)
                .shards(ToyRun.equalShards(3)).maxOuterSteps(5).build();
        ToyRun run = new ToyRun(3, 1, 2).run(sim, cc, 16, 0.02);

        List<Metric.OuterStep> steps = run.metrics(Metric.OuterStep.class);
        int lateFirstTrain = -1;
        for (int i = 0; i < run.commands.size(); i++) {
            if (run.commands.get(i) instanceof Command.Train t && t.member() == 2) {
                lateFirstTrain = i;
                // θ version it is sent = the number of outer steps committed before that moment.
                double at = run.commandTimes.get(i);
                long committed = steps.stream().filter(s -> s.time() <= at).count();
                assertThat(t.version()).isEqualTo(committed);
                assertThat(t.theta().version()).isEqualTo(committed);
                assertThat(committed).isGreaterThanOrEqualTo(2); // joined at 25 s: rounds 1 and 2 were done
                break;
            }
        }
        assertThat(lateFirstTrain).isPositive();
        assertThat(run.metrics(Metric.Decision.class)).anyMatch(d -> d.kind().label().equals("wait") && d.member() == 2);
        // It never dilutes a round it did not train in: its first contribution comes in the round after it joined.
        Metric.OuterStep firstWithLate = steps.stream().filter(s -> s.contributors().contains(2)).findFirst().orElseThrow();
        assertThat(firstWithLate.contributors()).containsExactly(0, 1, 2);
        assertThat(firstWithLate.time()).isGreaterThan(25 + 10);
    }

    /**
     * Lost uploads (DiLoCo's "dropped pseudo-gradients") leave each round to the others and are
     * logged. The DiLoCo paper measured +2.1% perplexity for 50% drops; here the run must still
     * learn to within 10% of the loss of the same run without drops.
     */
    @Test
    void droppedPseudoGradientsAreLeftOutWithAReason() {
        CoordinatorConfig cc = CoordinatorConfig.builder().method(Method.DILOCO).innerSteps(10).minWorkers(4)
                .shards(ToyRun.equalShards(4)).maxOuterSteps(80).build();
        ToyRun clean = new ToyRun(4, 1, 2).run(SimConfig.of(ToyRun.workers(new LinkProfile(1e7, 1e7, 0.01, 0), 1, 1, 1, 1), 8), cc, 16, 0.003);
        ToyRun run = new ToyRun(4, 1, 2).run(SimConfig.of(ToyRun.workers(new LinkProfile(1e7, 1e7, 0.01, 0.5), 1, 1, 1, 1), 8), cc, 16, 0.003);
        long applied = run.metrics(Metric.OuterStep.class).stream().mapToLong(s -> s.contributors().size()).sum();
        long dropped = run.metrics(Metric.Decision.class).stream().filter(d -> d.reason().contains("lost in transit")).count();
        assertThat(applied + dropped).isGreaterThanOrEqualTo(80 * 4);
        assertThat(dropped).isBetween(120L, 200L); // about half of ~320 uploads
        assertThat(run.finalLoss()).isLessThan(0.3 * run.result.initialEval().loss());
        assertThat(run.finalLoss()).isLessThan(1.10 * clean.finalLoss());
    }

    /** With a deadline and quorum, a straggler's round is committed without it; its late pseudo-gradient is dropped. */
    @Test
    void deadlineCommitsWithQuorumAndDropsTheStraggler() {
        SimConfig sim = SimConfig.of(ToyRun.workers(LINK, 1, 1, 5), 8);
        CoordinatorConfig cc = CoordinatorConfig.builder().method(Method.DILOCO).innerSteps(4).minWorkers(3)
                .quorum(2).roundDeadline(8).shards(ToyRun.equalShards(3)).maxOuterSteps(6).build();
        ToyRun run = new ToyRun(3, 1, 2).run(sim, cc, 16, 0.02);
        List<Metric.OuterStep> steps = run.metrics(Metric.OuterStep.class);
        assertThat(steps.get(0).contributors()).containsExactly(0, 1);
        assertThat(run.metrics(Metric.Decision.class)).anyMatch(d -> d.kind().label().equals("drop") && d.member() == 2
                && d.reason().contains("deadline"));
        assertThat(run.metrics(Metric.Decision.class)).anyMatch(d -> d.kind().label().equals("drop") && d.member() == 2
                && d.reason().startsWith("w2#2 late"));
    }
}
