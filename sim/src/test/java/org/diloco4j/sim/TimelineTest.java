package org.diloco4j.sim;

import org.diloco4j.core.run.RunResult;
import org.diloco4j.core.codec.Codecs;
import org.diloco4j.core.coord.CoordinatorConfig;
import org.diloco4j.core.coord.Event;
import org.diloco4j.core.coord.Method;
import org.diloco4j.core.coord.Metric;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Hand-computed timeline: 2 workers at 1 and 2 s/step, H = 4, synchronous DiLoCo, links whose
 * bandwidth moves one fp32 message (B bytes) per second with 0.5 s latency. By hand:
 * <pre>
 *   t=0     both start; their joins reach the coordinator at 0.5 → round 1 starts, θ sent down
 *   t=2.0   θ arrives (0.5 + 1 s transfer + 0.5 s latency); w0 computes 4 s, w1 8 s
 *   t=7.5   w0's δ arrives (6 + 1 + 0.5); t=11.5 w1's δ arrives → outer step 1, round 2 starts
 *   t=13    θ arrives; w0 done 17 → δ at 18.5; w1 done 21 → δ at 22.5 → outer step 2, stop
 * </pre>
 * w0: compute 8, communicate 6 (four 1.5 s transfers), idle 8.5 (0.5 joining + 2 × 4 waiting for w1).
 * w1: compute 16, communicate 6, idle 0.5. Bytes: 4 messages up and 4 down of B bytes each.
 */
class TimelineTest {
    @Test
    void twoWorkersSyncRoundsMatchTheHandComputedTimeline() {
        ToyRun toy = new ToyRun(2, 0.5, 1);
        long b = Codecs.parse("fp32").encodedSize(toy.problem.size());
        LinkProfile link = new LinkProfile(b, b, 0.5, 0);
        SimConfig sim = SimConfig.of(ToyRun.workers(link, 1.0, 2.0), 3);
        CoordinatorConfig cc = CoordinatorConfig.builder().method(Method.DILOCO).innerSteps(4).minWorkers(2)
                .shards(ToyRun.equalShards(2)).maxOuterSteps(2).build();
        toy.run(sim, cc, 8, 0.01);

        List<Metric.OuterStep> steps = toy.metrics(Metric.OuterStep.class);
        assertThat(steps).extracting(Metric.OuterStep::time).containsExactly(11.5, 22.5);
        assertThat(toy.events(Event.Delta.class)).extracting(Event::time).containsExactly(7.5, 11.5, 18.5, 22.5);
        assertThat(toy.result.simulatedSeconds()).isEqualTo(22.5);
        assertThat(toy.result.bytesUp()).isEqualTo(4 * b);
        assertThat(toy.result.bytesDown()).isEqualTo(4 * b);

        RunResult.Worker w0 = toy.result.workers().get(0);
        RunResult.Worker w1 = toy.result.workers().get(1);
        assertThat(w0.computeSeconds()).isCloseTo(8, within(1e-9));
        assertThat(w0.communicateSeconds()).isCloseTo(6, within(1e-9));
        assertThat(w0.idleSeconds()).isCloseTo(8.5, within(1e-9));
        assertThat(w1.computeSeconds()).isCloseTo(16, within(1e-9));
        assertThat(w1.communicateSeconds()).isCloseTo(6, within(1e-9));
        assertThat(w1.idleSeconds()).isCloseTo(0.5, within(1e-9));
        assertThat(w0.utilization()).isCloseTo(8 / 22.5, within(1e-12));
        assertThat(w1.utilization()).isCloseTo(16 / 22.5, within(1e-12));
        assertThat(toy.result.computeUtilization()).isCloseTo(24 / 45.0, within(1e-12));
        assertThat(w0.bytesUp()).isEqualTo(2 * b);
        assertThat(w1.bytesDown()).isEqualTo(2 * b);
        assertThat(w0.steps()).isEqualTo(8);
        assertThat(w1.steps()).isEqualTo(8);
    }

    @Test
    void sameSeedAndConfigGiveABitIdenticalRun() {
        LinkProfile link = LinkProfile.mbps(10, 10, 40);
        SimConfig sim = new SimConfig(List.of(
                new WorkerSpec("a", new DeviceProfile(0.5, 0.2, List.of()), link, 0),
                new WorkerSpec("b", new DeviceProfile(1.1, 0.2, List.of()), link, 1),
                new WorkerSpec("c", new DeviceProfile(2.3, 0.2, List.of()), new LinkProfile(1e5, 1e5, 0.1, 0.2), 2)),
                List.of(), 42, 30, 2000, 0);
        CoordinatorConfig cc = CoordinatorConfig.builder().method(Method.ASYNC_DN_DYLU).innerSteps(10)
                .outer(org.diloco4j.core.optim.OuterOptimizerConfig.delayedNesterov(0.7, 0.9, 3, 0))
                .dylu(true).shards(ToyRun.equalShards(3)).tokenBudget(20_000).build();
        ToyRun a = new ToyRun(3, 1, 5).run(sim, cc, 16, 0.01);
        ToyRun b = new ToyRun(3, 1, 5).run(sim, cc, 16, 0.01);
        assertThat(b.theta).isEqualTo(a.theta);
        assertThat(b.result.simulatedSeconds()).isEqualTo(a.result.simulatedSeconds());
        assertThat(ToyRun.reproducible(b.metrics)).isEqualTo(ToyRun.reproducible(a.metrics));
        assertThat(a.metrics(Metric.Decision.class)).anyMatch(d -> d.reason().contains("lost in transit"));
    }
}
